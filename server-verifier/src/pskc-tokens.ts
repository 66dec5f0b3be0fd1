import {
  type PskcDocument,
  PskcError,
  type PskcKeyInput,
  type PskcReadOptions,
  type PskcSecrets,
  parsePskc,
  writePskc,
} from '@nemid-sim/pskc';
import { invalid } from './errors.js';
import type { RandomSource } from './runtime.js';
import { normalizeTokenSerial } from './serials.js';
import type { VendorToken } from './tokens.js';
import type { ExportedToken } from './verifier.js';

/** What the verifier writes as DeviceInfo/Manufacturer when it exports (RFC 6030 4.3.1). */
const MANUFACTURER = 'nemid-sim';

/**
 * T-5: a vendor's PSKC delivery (RFC 6030) as vendor tokens, every key of it or none. Every MAC is
 * checked before a secret is used (by the reader); a key the verifier cannot use (a PIN, a key
 * named by reference only, one without a 16-digit serial) refuses the whole file.
 */
export function vendorTokensFromPskc(
  input: string | Uint8Array,
  secrets: PskcSecrets,
  options: PskcReadOptions = {},
): VendorToken[] {
  let doc: PskcDocument;
  try {
    doc = parsePskc(input, secrets, options);
  } catch (e) {
    if (e instanceof PskcError) throw invalid(e.message);
    throw e;
  }
  return doc.keys.map((k): VendorToken => {
    const name = `key ${k.id}`;
    if (k.kind !== 'hotp' && k.kind !== 'totp') throw invalid(`${name} is not an HOTP or TOTP key`);
    if (k.secret === undefined) throw invalid(`${name} carries no secret (it is only named by reference)`);
    const serial = normalizeTokenSerial(k.serial ?? '');
    if (serial === null) throw invalid(`${name} has no 16-digit serial number`);
    return {
      serial,
      kind: k.kind,
      secret: k.secret,
      algorithm: k.algorithm,
      digits: k.digits,
      stepSeconds: k.timeInterval ?? 30,
      t0: k.time ?? 0,
      counter: k.counter ?? 0,
      driftSteps: k.timeDrift ?? 0,
    };
  });
}

/** Tokens as a PSKC document for another server, with each one's counter or clock offset. */
export function pskcFromTokens(
  tokens: readonly ExportedToken[],
  secrets: PskcSecrets,
  options: { readonly mac?: 'hmac-sha1' | 'hmac-sha256'; readonly random: RandomSource },
): string {
  const keys = tokens.map(
    (t): PskcKeyInput => ({
      kind: t.kind,
      serial: t.serial.replaceAll(' ', ''),
      manufacturer: MANUFACTURER,
      algorithm: t.algorithm,
      digits: t.digits,
      secret: t.secret,
      ...(t.kind === 'hotp'
        ? { counter: t.counter }
        : { time: t.t0, timeInterval: t.stepSeconds, timeDrift: t.driftSteps }),
    }),
  );
  return writePskc(keys, { ...secrets, mac: options.mac, random: options.random });
}
