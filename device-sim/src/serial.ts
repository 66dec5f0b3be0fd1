import type { Xoshiro128 } from './prng.js';

/** A 16-digit serial number, as printed on the back of the token and shown in the log-on dialog. */
export function parseSerial(text: string): string {
  const clean = text.replace(/[\s-]/g, '');
  if (!/^\d{16}$/.test(clean)) throw new RangeError('serial must be 16 digits (spaces allowed)');
  return clean;
}

/** The serial as the log-on dialog shows it: `dddd dddd dddd dddd`. */
export function formatSerial(serial: string): string {
  return serial.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function drawSerial(prng: Xoshiro128): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += String(prng.nextUint32() % 10);
  return s;
}
