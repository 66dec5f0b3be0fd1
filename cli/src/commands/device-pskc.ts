import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CellName,
  type ClockSource,
  deliveryDocument,
  formatSerial,
  MAX_BATCH,
  makeBatch,
  type OtpMode,
  writeDeviceFile,
} from '@nemid-sim/device-sim';
import { writeFileAtomic } from '@nemid-sim/key-card';
import { type MacAlgorithm, type PskcDocument, PskcError, parsePskc, readPskcFile } from '@nemid-sim/pskc';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { choiceOption, integerOption } from '../options.js';
import {
  algorithmOption,
  cellOption,
  clockOption,
  digitsOption,
  modeOption,
  seedOption,
  startOption,
  stepOption,
  temperatureOption,
} from './device-options.js';
import { parseStartTime, wallUnix } from './device-time.js';
import { type KeyOpts, PASSWORD_HELP, PSK_HELP, pskcSecrets } from './pskc-keys.js';

interface BatchOpts extends KeyOpts {
  count: number;
  outDir: string;
  pskc: string;
  mode: OtpMode;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  digits: number;
  step: number;
  cell: CellName;
  temperature: number;
  seed?: number;
  start?: string;
  clock: ClockSource;
  manufacturer: string;
  mac: MacAlgorithm;
  force?: boolean;
}

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export function registerDevicePskcCommands(device: Command): void {
  device
    .command('batch')
    .description(
      "the token factory: make --count devices (each a device file named by its serial, like 'device new' makes) " +
        'and the PSKC document (RFC 6030) that the vendor delivers to the bank, in which every secret is ' +
        'encrypted with AES-128-CBC and carries a MAC',
    )
    .requiredOption('--count <n>', 'how many devices', integerOption('--count', 1, MAX_BATCH))
    .requiredOption('--out-dir <dir>', 'the folder for the device files (made if missing)')
    .requiredOption('--pskc <file>', 'the PSKC delivery document to write (mode 0600)')
    .option('--psk-file <file>', PSK_HELP)
    .option('--password-file <file>', PASSWORD_HELP)
    .addOption(modeOption())
    .addOption(algorithmOption())
    .addOption(digitsOption())
    .addOption(stepOption())
    .addOption(cellOption())
    .addOption(temperatureOption())
    .addOption(seedOption())
    .addOption(startOption())
    .addOption(clockOption())
    .option('--manufacturer <name>', 'DeviceInfo/Manufacturer in the delivery', 'nemid-sim')
    .addOption(
      new Option('--mac <algorithm>', 'the MAC over each encrypted secret')
        .argParser(choiceOption('--mac', ['hmac-sha1', 'hmac-sha256'] as const))
        .default('hmac-sha1'),
    )
    .option('--force', 'replace existing device files and delivery document')
    .action(async (opts: BatchOpts) => {
      const secrets = pskcSecrets(opts, true);
      const wall = wallUnix();
      const startUnix = opts.start === undefined ? Math.floor(wall) : parseStartTime(opts.start);
      const devices = makeBatch({
        count: opts.count,
        mode: opts.mode,
        algorithm: opts.algorithm,
        digits: opts.digits,
        stepSeconds: opts.step,
        startUnix,
        seed: opts.seed ?? randomBytes(4).readUInt32BE(0),
        random,
        cell: opts.cell,
        temperatureC: opts.temperature,
        clock: opts.clock,
        wallUnix: wall,
      });
      const xml = deliveryDocument(devices, {
        ...secrets,
        mac: opts.mac,
        manufacturer: opts.manufacturer,
        random,
      });
      const paths = devices.map((d) => join(opts.outDir, `${d.firmware.config.serial}.json`));
      if (!opts.force) {
        for (const path of [opts.pskc, ...paths]) {
          if (existsSync(path)) throw new UsageError(`${path} exists already (use --force to replace it)`);
        }
      }
      mkdirSync(opts.outDir, { recursive: true, mode: 0o700 });
      const written: string[] = [];
      const progress = process.stderr.isTTY && devices.length >= 1000;
      try {
        devices.forEach((d, i) => {
          writeDeviceFile(paths[i], d, { exclusive: !opts.force });
          written.push(paths[i]);
          if (progress && (i + 1) % 500 === 0)
            process.stderr.write(`\rdevice files: ${i + 1} of ${devices.length}`);
        });
        if (progress) process.stderr.write('\n');
        await writeFileAtomic(opts.pskc, xml, { mode: 0o600, overwrite: opts.force ?? false });
      } catch (err) {
        // All or nothing: a batch without its delivery (or half a batch) is of no use to anyone.
        for (const path of written) unlinkSync(path);
        throw err;
      }
      const first = devices[0].firmware.config;
      process.stdout.write(
        `made ${devices.length} ${opts.mode.toUpperCase()} device${devices.length === 1 ? '' : 's'} in ${opts.outDir} ` +
          `(${first.digits} digits, ${first.algorithm.toUpperCase()}${opts.mode === 'totp' ? `, ${first.stepSeconds} s step` : ''}) ` +
          `and their PSKC delivery ${opts.pskc}: secrets encrypted with AES-128-CBC under the ` +
          `${secrets.psk ? 'pre-shared key' : 'key made from the password'}, ${opts.mac.toUpperCase()} MACs\n`,
      );
    });

  device
    .command('pskc-check')
    .description(
      'check a PSKC delivery (RFC 6030) as the bank will import it: every MAC checked and every secret ' +
        'decrypted, then the keys listed without their secrets. A document that would be refused exits 2 ' +
        'with one line saying why.',
    )
    .requiredOption('--pskc <file>', 'the PSKC document')
    .option('--psk-file <file>', PSK_HELP)
    .option('--password-file <file>', PASSWORD_HELP)
    .option('--allow-plaintext', 'accept secrets that are not encrypted')
    .option('--allow-missing-mac', 'accept encrypted secrets without a MAC')
    .option('--skip-unsupported', 'leave out keys of an unknown algorithm instead of refusing the document')
    .option('--json', 'print {"protection", "mac", "keys": [...], "skipped": [...]} as JSON (no secrets)')
    .action(
      (
        opts: KeyOpts & {
          pskc: string;
          allowPlaintext?: boolean;
          allowMissingMac?: boolean;
          skipUnsupported?: boolean;
          json?: boolean;
        },
      ) => {
        let doc: PskcDocument;
        try {
          doc = parsePskc(readPskcFile(opts.pskc), pskcSecrets(opts, false), {
            allowPlaintext: opts.allowPlaintext,
            allowMissingMac: opts.allowMissingMac,
            skipUnsupportedKeys: opts.skipUnsupported,
          });
        } catch (err) {
          if (err instanceof PskcError && err.code === 'key-needed') {
            throw new UsageError(
              `${opts.pskc} is encrypted: give its key with --psk-file or --password-file`,
            );
          }
          throw err;
        }
        const keys = doc.keys.map(({ secret, ...rest }) => ({ ...rest, secretBytes: secret?.length ?? 0 }));
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ protection: doc.protection, mac: doc.mac ?? null, keys, skipped: doc.skipped })}\n`,
          );
          return;
        }
        process.stdout.write(`${opts.pskc}: ${describeDocument(doc)}\n`);
        for (const k of doc.keys) {
          const serial =
            k.serial === undefined
              ? `key ${k.id}`
              : /^\d{16}$/.test(k.serial)
                ? formatSerial(k.serial)
                : k.serial;
          const moving =
            k.kind === 'hotp'
              ? `counter ${k.counter ?? 0}`
              : k.kind === 'totp'
                ? `${k.timeInterval ?? 30} s step${k.timeDrift ? `, drift ${k.timeDrift} steps` : ''}`
                : 'PIN';
          const hash = k.kind === 'pin' ? '' : ` ${k.algorithm.toUpperCase()}`;
          const secret = k.secret ? `${k.secret.length}-byte secret` : 'no secret (KeyReference)';
          process.stdout.write(
            `${serial}  ${k.kind.toUpperCase()}${hash}  ${k.digits} digits  ${moving}  ${secret}\n`,
          );
        }
        for (const s of doc.skipped) process.stdout.write(`skipped: ${s.reason}\n`);
      },
    );
}

function describeDocument(doc: PskcDocument): string {
  const n = doc.keys.length;
  const protection =
    doc.protection === 'plaintext'
      ? 'secrets in plain text'
      : `secrets encrypted under the ${doc.protection === 'password' ? 'key made from the password' : 'pre-shared key'}`;
  const mac = doc.mac
    ? `, every ${doc.mac.toUpperCase()} MAC checked`
    : doc.protection === 'plaintext'
      ? ''
      : ', no MACs';
  return `${n} key${n === 1 ? '' : 's'}, ${protection}${mac}`;
}
