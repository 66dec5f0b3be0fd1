import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCardEngine, formatCode } from '@nemid-sim/core';
import {
  formatSerial,
  parseKeyFile,
  printedKeys,
  readBatchFile,
  serialCheckDigit,
} from '@nemid-sim/key-card';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, NEMID_BIN, nemid } from '../helpers/cli.js';
import { svgTexts, tempDir } from './helpers.js';
import { pdfBytes } from './pdf-helpers.js';

const dir = tempDir('nemid-card-cli-');
const key = join(dir, 'batch.key');
const secrets = join(dir, 'batch.nemid');
const batchArgs = ['--secrets', secrets, '--key-file', key];

/** A usage error: exit code 2 and exactly one line on stderr, without a stack trace. */
async function expectUsageError(run: CliResult | Promise<CliResult>, pattern: RegExp): Promise<void> {
  const result = await run;
  expect(result.status).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).toMatch(/^nemid: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

let serials: string[];

beforeAll(async () => {
  expect((await nemid(['keygen', '--out', key])).status).toBe(0);
  const made = await nemid(['card', 'new', '--count', '3', '--key-file', key, '--out', secrets]);
  expect(made.status).toBe(0);
  expect(made.stdout).toMatch(/^batch [0-9a-f]{32}: 3 cards written to /);
  serials = (await nemid(['card', 'list', ...batchArgs])).stdout.trim().split('\n');
});

describe('nemid keygen', () => {
  it('writes 32 random bytes as hex with mode 0600', async () => {
    expect(readFileSync(key, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(key).mode & 0o777).toBe(0o600);
  });

  it('does not replace an existing file unless --force', async () => {
    const before = readFileSync(key, 'utf8');
    await expectUsageError(nemid(['keygen', '--out', key]), /already exists/);
    expect(readFileSync(key, 'utf8')).toBe(before);
    const other = join(dir, 'other.key');
    expect((await nemid(['keygen', '--out', other])).status).toBe(0);
    const first = readFileSync(other, 'utf8');
    expect((await nemid(['keygen', '--out', other, '--force'])).status).toBe(0);
    expect(readFileSync(other, 'utf8')).not.toBe(first);
  });

  it('never prints the key', async () => {
    const path = join(dir, 'quiet.key');
    const r = await nemid(['keygen', '--out', path]);
    const hex = readFileSync(path, 'utf8').trim();
    expect(r.stdout + r.stderr).not.toContain(hex);
  });
});

describe('nemid card new / list / show', () => {
  it('makes a batch file with mode 0600 that holds the listed cards', async () => {
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(serials).toHaveLength(3);
    for (const s of serials) expect(s).toMatch(/^[A-Z]\d{3}-\d{3}-\d{3}$/);
    const batch = await readBatchFile(secrets, parseKeyFile(readFileSync(key, 'utf8')));
    expect(batch.cards.map((c) => c.serial)).toEqual(serials);
  });

  it('lists as JSON with batch id and creation time', async () => {
    const r = await nemid(['card', 'list', ...batchArgs, '--json']);
    expect(r.status).toBe(0);
    const data = JSON.parse(r.stdout) as { batchId: string; createdAt: string; cards: { serial: string }[] };
    expect(data.batchId).toMatch(/^[0-9a-f]{32}$/);
    expect(Number.isNaN(Date.parse(data.createdAt))).toBe(false);
    expect(data.cards).toEqual(serials.map((serial) => ({ serial })));
  });

  it('shows a card as JSON: all 148 keys in printed order, exactly as the core derives them', async () => {
    const r = await nemid([
      'card',
      'show',
      ...batchArgs,
      '--serial',
      serials[1].toLowerCase().replace(/-/g, ''),
      '--json',
    ]);
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.stdout) as { serial: string; keys: { number: string; key: string }[] };
    expect(shown.serial).toBe(serials[1]);
    expect(shown.keys).toHaveLength(148);
    const batch = await readBatchFile(secrets, parseKeyFile(readFileSync(key, 'utf8')));
    const secret = batch.cards[1].secret;
    expect(shown.keys).toEqual(printedKeys(secret));
    const engine = createCardEngine(secret);
    for (const k of shown.keys)
      expect(formatCode(engine.key(engine.slotOf(Number(k.number))), 6)).toBe(k.key);
  });

  it('shows a card as plain text', async () => {
    const r = await nemid(['card', 'show', ...batchArgs, '--serial', serials[0]]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain(serials[0]);
    expect([...r.stdout.matchAll(/\b\d{4} \d{6}\b/g)]).toHaveLength(148);
  });
});

describe('nemid card print', () => {
  it('writes an imposed PDF, with no progress bar when stderr is not a terminal', async () => {
    const out = join(dir, 'cards.pdf');
    const r = await nemid(['card', 'print', ...batchArgs, '--out', out, '--paper', 'letter']);
    expect(r.status).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(out, 'latin1')).toContain('/TrimBox');
    expect(r.stderr).toBe(`nemid: 3 cards written to ${out}\n`);
  });

  it('writes exactly the PDF the library renders for the batch', async () => {
    const batch = await readBatchFile(secrets, parseKeyFile(readFileSync(key, 'utf8')));
    const expected = await pdfBytes(batch.cards, {
      paper: 'letter',
      createdAt: new Date(batch.createdAt),
      batchId: batch.batchId,
      job: 'cards',
    });
    expect(readFileSync(join(dir, 'cards.pdf')).equals(Buffer.from(expected))).toBe(true);
  });

  it('writes PDF/X-1a by default, and a plain RGB proof with --rgb', async () => {
    const press = readFileSync(join(dir, 'cards.pdf'), 'latin1');
    expect(press).toContain('/GTS_PDFX');
    const out = join(dir, 'proof.pdf');
    const r = await nemid([
      'card',
      'print',
      ...batchArgs,
      '--out',
      out,
      '--rgb',
      '--job',
      'proof for the bank',
    ]);
    expect(r.status).toBe(0);
    const proof = readFileSync(out, 'latin1');
    expect(proof).not.toContain('/GTS_PDFX');
    expect(proof).not.toContain('/OutputIntents');
  });

  it('writes a PDF under any name when --format says so', async () => {
    const out = join(dir, 'cards.print');
    expect((await nemid(['card', 'print', ...batchArgs, '--out', out, '--format', 'pdf'])).status).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('writes a Magnaprint PDF of chosen cards', async () => {
    const out = join(dir, 'magna.pdf');
    const r = await nemid([
      'card',
      'print',
      ...batchArgs,
      '--out',
      out,
      '--magnaprint',
      '--serial',
      serials[0],
      '--serial',
      serials[2],
    ]);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'latin1').match(/\/Type \/Page\b/g)).toHaveLength(2);
  });

  it('writes SVG and text, choosing the format from the extension', async () => {
    const svg = join(dir, 'card.svg');
    expect((await nemid(['card', 'print', ...batchArgs, '--out', svg, '--serial', serials[0]])).status).toBe(
      0,
    );
    expect(svgTexts(readFileSync(svg, 'utf8'))).toContain(serials[0]);
    const txt = join(dir, 'cards.out');
    expect((await nemid(['card', 'print', ...batchArgs, '--out', txt, '--format', 'txt'])).status).toBe(0);
    const text = readFileSync(txt, 'utf8');
    for (const s of serials) expect(text).toContain(s);
    expect([...text.matchAll(/\b\d{4} \d{6}\b/g)]).toHaveLength(3 * 148);
  });

  it('removes its partial output when interrupted', async () => {
    const big = join(dir, 'big.nemid');
    expect((await nemid(['card', 'new', '--count', '3000', '--key-file', key, '--out', big])).status).toBe(0);
    const work = tempDir('nemid-card-int-');
    const out = join(work, 'big.pdf');
    const child = spawn(process.execPath, [
      NEMID_BIN,
      'card',
      'print',
      '--secrets',
      big,
      '--key-file',
      key,
      '--out',
      out,
    ]);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += String(c);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt the moment the temporary file appears: it may still be being created, before the
    // PDF is written (the command must clean up then too, not leave it behind).
    await new Promise<void>((resolve) => {
      const hasTemp = () => readdirSync(work).some((f) => f.endsWith('.tmp'));
      const watcher = watch(work, () => {
        if (!hasTemp()) return;
        watcher.close();
        resolve();
      });
      if (hasTemp()) {
        watcher.close();
        resolve();
      }
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted; no output written/);
    expect(readdirSync(work)).toEqual([]);
  });

  it('leaves no temporary files behind', async () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('nemid card register: card numbers that are never given out twice', () => {
  const reg = join(dir, 'bank.register');
  const made = async (name: string, register = reg, count = '4'): Promise<CliResult> =>
    nemid([
      'card',
      'new',
      '--count',
      count,
      '--key-file',
      key,
      '--out',
      join(dir, name),
      '--register',
      register,
    ]);
  const checked = (...batches: string[]): Promise<CliResult> =>
    nemid([
      'card',
      'register',
      'check',
      '--register',
      reg,
      '--key-file',
      key,
      ...batches.flatMap((b) => ['--secrets', join(dir, b)]),
    ]);
  const numbersOf = async (name: string) =>
    (await readBatchFile(join(dir, name), parseKeyFile(readFileSync(key, 'utf8')))).cards.map(
      (c) => c.serial,
    );

  it('numbers batch after batch from one register, and records each range', async () => {
    const r = await nemid(['card', 'register', 'new', '--out', reg, '--series', 'K']);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(statSync(reg).mode & 0o777).toBe(0o600);
    const first = await made('r1.nemid', reg, '300');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/300 cards, K000-000-00\d to K\d{3}-\d{3}-\d{3}, written to/);
    expect(first.stderr).toBe('');
    expect((await made('r2.nemid', reg, '300')).status).toBe(0);
    const one = await numbersOf('r1.nemid');
    const two = await numbersOf('r2.nemid');
    expect(new Set([...one, ...two]).size).toBe(600);
    const batch = await readBatchFile(join(dir, 'r2.nemid'), parseKeyFile(readFileSync(key, 'utf8')));
    const listed = JSON.parse(
      (await nemid(['card', 'register', 'list', '--register', reg, '--json'])).stdout,
    );
    expect(listed.issued.map((i: { id: string }) => i.id)[1]).toBe(batch.batchId);
    expect(batch.numbers).toMatchObject({
      registerId: listed.registerId,
      series: 'K',
      first: listed.issued[1].first,
    });
    const text = (await nemid(['card', 'register', 'list', '--register', reg])).stdout;
    expect(text).toContain(`300 cards to batch ${batch.batchId}`);
    expect(text).toContain(`${90_909_091 - 600} card numbers left`);
  });

  it('gives a second print shop a block of its own, which the first never gives out again', async () => {
    const shop = join(dir, 'shop.register');
    const r = await nemid(['card', 'register', 'new', '--out', shop, '--from', reg, '--cards', '1000']);
    expect(r.status).toBe(0);
    expect((await made('s1.nemid', shop)).status).toBe(0);
    expect((await made('r3.nemid')).status).toBe(0);
    const all = [
      ...(await numbersOf('r1.nemid')),
      ...(await numbersOf('s1.nemid')),
      ...(await numbersOf('r3.nemid')),
    ];
    expect(new Set(all).size).toBe(all.length);
    const check = await checked('r1.nemid', 's1.nemid', 'r3.nemid');
    expect(check).toMatchObject({ status: 0, stderr: '' });
    expect(check.stdout).toMatch(/^no clash: 308 card numbers in 3 batches/);
  });

  it('check finds, before printing, a batch made from a copy of the register (exit 1)', async () => {
    const copy = join(dir, 'copy.register');
    writeFileSync(copy, readFileSync(reg));
    expect((await made('c1.nemid', copy)).status).toBe(0);
    expect((await made('r4.nemid')).status).toBe(0);
    const check = await checked('r4.nemid', 'c1.nemid');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('is in both');
    expect(check.stderr).toMatch(/c1.nemid: the register has no record of giving these numbers to batch/);
    expect(
      check.stderr
        .trim()
        .split('\n')
        .every((l) => l.startsWith('nemid: ')),
    ).toBe(true);
  });

  it('print --register checks the batch first: a clashing one is not printed (exit 2)', async () => {
    const print = (batch: string, out: string) =>
      nemid([
        'card',
        'print',
        '--secrets',
        join(dir, batch),
        '--key-file',
        key,
        '--out',
        join(dir, out),
        '--register',
        reg,
      ]);
    expect(await print('r1.nemid', 'r1.txt')).toMatchObject({ status: 0 });
    expect(existsSync(join(dir, 'r1.txt'))).toBe(true);
    const clash = await print('c1.nemid', 'c1.txt');
    expect(clash.status).toBe(2);
    expect(clash.stderr).toMatch(/the register has no record of giving these numbers to batch/);
    expect(clash.stderr).toMatch(/not printed: the batch clashes with/);
    expect(existsSync(join(dir, 'c1.txt'))).toBe(false);
  });

  it('refuses to replace a register, to run while another run holds it, and says how to make one', async () => {
    const before = readFileSync(reg, 'utf8');
    await expectUsageError(
      nemid(['card', 'register', 'new', '--out', reg, '--series', 'L']),
      /already exists \(a register is never replaced/,
    );
    expect(readFileSync(reg, 'utf8')).toBe(before);
    writeFileSync(`${reg}.lock`, '');
    await expectUsageError(made('locked.nemid'), /is in use by another run/);
    expect(existsSync(join(dir, 'locked.nemid'))).toBe(false);
    expect(readFileSync(reg, 'utf8')).toBe(before);
    unlinkSync(`${reg}.lock`);
    await expectUsageError(
      made('none.nemid', join(dir, 'none.register')),
      /no such register: .*nemid card register new/,
    );
    await expectUsageError(made('r1.nemid'), /already exists/);
    expect(readFileSync(reg, 'utf8')).toBe(before);
  });

  it('without --register says that the numbers were drawn at random and recorded nowhere', async () => {
    const r = await nemid([
      'card',
      'new',
      '--count',
      '1',
      '--key-file',
      key,
      '--out',
      join(dir, 'random.nemid'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /^nemid: note: these card numbers were drawn at random and are recorded nowhere/,
    );
  });
});

describe('bad input: one line on stderr, exit 2', () => {
  it('a missing secrets file or key file', async () => {
    await expectUsageError(
      nemid(['card', 'list', '--secrets', join(dir, 'nope'), '--key-file', key]),
      /no such file/,
    );
    await expectUsageError(
      nemid(['card', 'list', '--secrets', secrets, '--key-file', join(dir, 'nokey')]),
      /no such file/,
    );
  });

  it('a wrong key, without showing either key', async () => {
    const other = join(dir, 'wrong.key');
    await nemid(['keygen', '--out', other]);
    const r = await nemid(['card', 'list', '--secrets', secrets, '--key-file', other]);
    await expectUsageError(r, /wrong key file, or the file was changed/);
    expect(r.stderr).not.toContain(readFileSync(other, 'utf8').trim());
    expect(r.stderr).not.toContain(readFileSync(key, 'utf8').trim());
  });

  it('a changed secrets file', async () => {
    const copy = join(dir, 'tampered.nemid');
    const bytes = readFileSync(secrets);
    bytes[bytes.length - 20] ^= 0x80;
    writeFileSync(copy, bytes);
    await expectUsageError(nemid(['card', 'list', '--secrets', copy, '--key-file', key]), /cannot be opened/);
  });

  it('a key file that is not one', async () => {
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'not hex at all\n');
    await expectUsageError(
      nemid(['card', 'list', '--secrets', secrets, '--key-file', bad]),
      /not a key file/,
    );
  });

  it('an unknown card number, and a mistyped one', async () => {
    const eight = ['00000000', '00000001', '00000002'].find((d) => serialCheckDigit('A', d) >= 0) ?? '';
    const unknown = formatSerial('A', eight);
    expect(serials).not.toContain(unknown);
    await expectUsageError(nemid(['card', 'show', ...batchArgs, '--serial', unknown]), /is not in batch/);
    const typo = serials[0].slice(0, -1) + String((Number(serials[0].slice(-1)) + 1) % 10);
    await expectUsageError(nemid(['card', 'show', ...batchArgs, '--serial', typo]), /check digit/);
    await expectUsageError(
      nemid(['card', 'print', ...batchArgs, '--out', join(dir, 'x.pdf'), '--serial', typo]),
      /check digit/,
    );
    expect(existsSync(join(dir, 'x.pdf'))).toBe(false);
  });

  it('a count of 0 or 10^9', async () => {
    for (const count of ['0', '1000000000', 'many']) {
      await expectUsageError(
        nemid(['card', 'new', '--count', count, '--key-file', key, '--out', join(dir, 'n.nemid')]),
        /--count/,
      );
    }
    expect(existsSync(join(dir, 'n.nemid'))).toBe(false);
  });

  it('an existing output file, and options that do not go together', async () => {
    await expectUsageError(
      nemid(['card', 'new', '--count', '1', '--key-file', key, '--out', secrets]),
      /already exists/,
    );
    const pdf = join(dir, 'y.pdf');
    await expectUsageError(
      nemid(['card', 'print', ...batchArgs, '--out', pdf, '--magnaprint', '--paper', 'letter']),
      /A4/,
    );
    await expectUsageError(
      await nemid(['card', 'print', ...batchArgs, '--out', join(dir, 'all.svg')]),
      /one card/,
    );
    await expectUsageError(
      await nemid(['card', 'print', ...batchArgs, '--out', pdf, '--paper', 'a3']),
      /--paper/,
    );
    const txt = join(dir, 'z.txt');
    await expectUsageError(
      await nemid(['card', 'print', ...batchArgs, '--out', txt, '--rgb']),
      /--rgb only applies/,
    );
    await expectUsageError(
      await nemid(['card', 'print', ...batchArgs, '--out', txt, '--job', 'x']),
      /--job only applies/,
    );
    await expectUsageError(
      await nemid(['card', 'print', ...batchArgs, '--out', pdf, '--job', 'x'.repeat(61)]),
      /job name/,
    );
    expect(existsSync(pdf)).toBe(false);
    expect(existsSync(txt)).toBe(false);
    await expectUsageError(
      await nemid(['card', 'new', '--count', '1', '--key-file', key, '--out', pdf, '--series', 'O']),
      /--series/,
    );
  });
});

describe('an output name that does not say the format', () => {
  it('is refused, with one line and exit 2, unless --format says what to write', async () => {
    for (const name of ['cards.docx', 'cards']) {
      const out = join(dir, name);
      await expectUsageError(
        await nemid(['card', 'print', ...batchArgs, '--out', out]),
        /^nemid: cannot tell what to write to .*: name it \.pdf, \.svg or \.txt, or say which with --format$/,
      );
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe('help', () => {
  it('states each default once', async () => {
    const r = await nemid(['card', 'print', '--help']);
    // Help wraps its lines at 80 columns: compare the words.
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('repeat for more (default: the whole batch) --magnaprint');
    expect(text).not.toMatch(/\(default: [^)]*\) \(default:/);
  });

  it('explains every option', async () => {
    const cases: [string[], string[]][] = [
      [['keygen'], ['--out', '--force']],
      [
        ['card', 'new'],
        ['--count', '--key-file', '--out', '--series', '--force'],
      ],
      [
        ['card', 'list'],
        ['--secrets', '--key-file', '--json'],
      ],
      [
        ['card', 'show'],
        ['--secrets', '--key-file', '--serial', '--json'],
      ],
      [
        ['card', 'print'],
        [
          '--secrets',
          '--key-file',
          '--out',
          '--serial',
          '--magnaprint',
          '--paper',
          '--format',
          '--rgb',
          '--job',
          '--force',
        ],
      ],
    ];
    for (const [cmd, options] of cases) {
      const r = await nemid([...cmd, '--help']);
      expect(r.status).toBe(0);
      for (const o of options) expect(r.stdout).toMatch(new RegExp(`${o}\\b[^\\n]*\\s{2,}\\S`));
    }
  });
});
