import { isIP } from 'node:net';
import { HttpError } from './json-io.js';

/**
 * Field checks at the HTTP edge. They bound sizes and shapes (so nothing huge or odd reaches the
 * verifier or the logs) and name the field at fault; the verifier still checks meaning.
 * Messages never echo a value, since a value may be a password or a key.
 */
export type Body = Record<string, unknown>;

const bad = (message: string): HttpError => new HttpError(400, 'INVALID_INPUT', message);
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Refuses fields the endpoint does not know, so a misspelt optional field is not silently ignored. */
export function onlyFields(body: Body, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw bad(`unknown field "${key.slice(0, 40)}"`);
  }
}

export function text(body: Body, field: string, max: number, pattern?: RegExp): string {
  const v = body[field];
  if (typeof v !== 'string' || v.length === 0) throw bad(`"${field}" is required (a non-empty string)`);
  if (v.length > max) throw bad(`"${field}" is longer than ${max} characters`);
  if (CONTROL.test(v)) throw bad(`"${field}" holds control characters`);
  if (pattern && !pattern.test(v)) throw bad(`"${field}" is not in the expected form`);
  return v;
}

export function optionalText(body: Body, field: string, max: number, pattern?: RegExp): string | null {
  return body[field] === undefined || body[field] === null ? null : text(body, field, max, pattern);
}

/** The end user's IP address, as the calling backend saw it (S-1 logs it). */
export function optionalIp(body: Body, field: string): string | null {
  const v = optionalText(body, field, 45);
  if (v !== null && isIP(v) === 0) throw bad(`"${field}" is not an IP address`);
  return v;
}

export function textList(body: Body, field: string, maxItems: number, maxLength: number): string[] {
  const v = body[field];
  if (!Array.isArray(v) || v.length === 0) throw bad(`"${field}" must be a non-empty array of strings`);
  if (v.length > maxItems) throw bad(`"${field}" has more than ${maxItems} items`);
  return v.map((item, i) => {
    if (typeof item !== 'string' || item.length === 0 || item.length > maxLength) {
      throw bad(`"${field}[${i}]" must be a string of 1 to ${maxLength} characters`);
    }
    return item;
  });
}

export const PATTERNS = {
  /** Provider ids as registered: letters, digits and . _ : - */
  providerId: /^[A-Za-z0-9._:-]+$/,
  /** Challenge ids are base64url. */
  challengeId: /^[A-Za-z0-9_-]+$/,
  /** A key or code as typed: digits, spaces allowed. */
  key: /^[0-9 ]+$/,
  /** A host name for the opt-in site log. */
  site: /^[A-Za-z0-9.-]+$/,
} as const;
