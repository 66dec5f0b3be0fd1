import { type Algorithm, base32ToBytes, bytesToBase32, MAX_COUNTER } from '@nemid-sim/core';
import { LIMITS } from './device.js';
import type { FirmwareConfig } from './firmware.js';

/**
 * An otpauth:// URI's content (the Key Uri Format that phone authenticators read from QR codes):
 * otpauth://TYPE/[ISSUER:]ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&counter=N|period=30
 */
export interface OtpauthKey {
  type: 'hotp' | 'totp';
  /** The label's account name. */
  account: string;
  issuer?: string;
  secret: Uint8Array;
  /** Default SHA1. */
  algorithm: Algorithm;
  /** Default 6. */
  digits: number;
  /** HOTP: the counter of the next code (required by the format). */
  counter?: number;
  /** TOTP: the step in seconds, default 30. */
  period?: number;
}

const ALGORITHMS: Readonly<Record<string, Algorithm>> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

function whole(name: string, text: string): number {
  const n = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new RangeError(`otpauth URI: ${name} must be a whole number`);
  return n;
}

/** Reads an otpauth:// URI. Errors are one sentence and never contain the secret. */
export function parseOtpauthUri(uri: string): OtpauthKey {
  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch {
    throw new RangeError('not an otpauth:// URI');
  }
  if (url.protocol !== 'otpauth:') throw new RangeError('not an otpauth:// URI');
  const type = url.host.toLowerCase();
  if (type !== 'hotp' && type !== 'totp') {
    throw new RangeError('otpauth URI: the type must be hotp or totp (otpauth://totp/...)');
  }
  let label: string;
  try {
    label = decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    throw new RangeError('otpauth URI: the label is not valid percent-encoding');
  }
  const colon = label.indexOf(':');
  const labelIssuer = colon >= 0 ? label.slice(0, colon) : undefined;
  const account = (colon >= 0 ? label.slice(colon + 1) : label).trim();
  if (account === '') throw new RangeError('otpauth URI: the label names no account');

  const params = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (params.has(name)) throw new RangeError(`otpauth URI: the parameter ${name} appears twice`);
    params.set(name, value);
  }
  const secretText = params.get('secret');
  if (secretText === undefined || secretText === '') {
    throw new RangeError('otpauth URI: the secret parameter is missing');
  }
  let secret: Uint8Array;
  try {
    secret = base32ToBytes(secretText);
  } catch {
    throw new RangeError('otpauth URI: the secret is not base32 (A-Z, 2-7)');
  }
  const issuer = params.get('issuer') ?? labelIssuer;
  if (labelIssuer !== undefined && params.has('issuer') && params.get('issuer') !== labelIssuer) {
    throw new RangeError('otpauth URI: the issuer parameter and the issuer in the label differ');
  }
  const algorithmText = (params.get('algorithm') ?? 'SHA1').toUpperCase();
  const algorithm = Object.hasOwn(ALGORITHMS, algorithmText) ? ALGORITHMS[algorithmText] : undefined;
  if (!algorithm) throw new RangeError('otpauth URI: algorithm must be SHA1, SHA256 or SHA512');
  const key: OtpauthKey = {
    type,
    account,
    ...(issuer !== undefined && issuer !== '' ? { issuer } : {}),
    secret,
    algorithm,
    digits: whole('digits', params.get('digits') ?? '6'),
  };
  if (type === 'hotp') {
    const counter = params.get('counter');
    if (counter === undefined) throw new RangeError('otpauth URI: an hotp URI needs a counter parameter');
    key.counter = whole('counter', counter);
    if (key.counter > MAX_COUNTER) throw new RangeError('otpauth URI: the counter is too large');
  } else {
    key.period = whole('period', params.get('period') ?? '30');
  }
  // Other parameters (image, color, ... of some apps) do not change the codes and are ignored.
  return key;
}

/** Writes an otpauth:// URI; everything that fixes the codes is written out, defaults included. */
export function formatOtpauthUri(key: OtpauthKey): string {
  const label = key.issuer === undefined ? enc(key.account) : `${enc(key.issuer)}:${enc(key.account)}`;
  const params = [`secret=${bytesToBase32(key.secret)}`];
  if (key.issuer !== undefined) params.push(`issuer=${enc(key.issuer)}`);
  params.push(`algorithm=${key.algorithm.toUpperCase()}`, `digits=${key.digits}`);
  if (key.type === 'hotp') params.push(`counter=${key.counter ?? 0}`);
  else params.push(`period=${key.period ?? 30}`);
  return `otpauth://${key.type}/${label}?${params.join('&')}`;
}

const enc = (s: string) => encodeURIComponent(s);

/** The issuer a simulated NemID device names itself with in a URI. */
export const OTPAUTH_ISSUER = 'NemID';

/**
 * The URI of a device: what a phone authenticator needs to show the same codes. HOTP carries the
 * counter of the device's next press. The format has no T0, so a device counting from another
 * T0 cannot be written as a URI.
 */
export function otpauthFromDevice(config: FirmwareConfig, counter: number): OtpauthKey {
  if (config.mode === 'totp' && config.t0Seconds !== 0) {
    throw new RangeError(
      'this device counts TOTP steps from a T0 other than 0, which an otpauth URI cannot say',
    );
  }
  return {
    type: config.mode,
    account: config.serial,
    issuer: OTPAUTH_ISSUER,
    secret: config.secret,
    algorithm: config.algorithm,
    digits: config.digits,
    ...(config.mode === 'hotp' ? { counter } : { period: config.stepSeconds }),
  };
}

/**
 * Checks that a device can show what the URI's codes are, and says what it cannot in one sentence
 * (a phone app may accept parameters that a key display cannot).
 */
export function checkDeviceCanEmulate(key: OtpauthKey): void {
  if (key.digits < 6 || key.digits > 9) {
    throw new RangeError(`the device shows 6 to 9 digits; the URI asks for ${key.digits}`);
  }
  if (key.secret.length < 10) {
    throw new RangeError(`the device needs a secret of 10 bytes or more; the URI's is ${key.secret.length}`);
  }
  if (key.period !== undefined && (key.period < 1 || key.period > LIMITS.stepMax)) {
    throw new RangeError(`the device steps 1 to ${LIMITS.stepMax} seconds; the URI asks for ${key.period}`);
  }
}
