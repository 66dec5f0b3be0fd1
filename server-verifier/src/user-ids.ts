import { normalizeCpr } from './cpr.js';
import type { RandomSource } from './runtime.js';
import { randomBelow } from './runtime.js';
import type { UserIdKind } from './store/records.js';

/** ID-2: what the user typed as user id, resolved to the kind it is and its stored form. */
export interface LoginId {
  readonly kind: UserIdKind;
  readonly value: string;
}

const ALIAS = /^[\p{L}\d._@-]{3,40}$/u;

/**
 * 9 digits are a NemID number, DDMMYY-SSSS (or 10 digits) a CPR number, anything else a
 * self-chosen alias. Aliases must hold a letter, so the three kinds never overlap. Returns null
 * for text that can be none of them.
 */
export function parseLoginId(text: string): LoginId | null {
  const t = text.trim();
  const compact = t.replace(/[\s-]/g, '');
  if (/^\d{9}$/.test(compact)) return { kind: 'nemid', value: compact };
  if (/^\d{10}$/.test(compact)) {
    const cpr = normalizeCpr(compact);
    return cpr === null ? null : { kind: 'cpr', value: cpr };
  }
  const alias = normalizeAlias(t);
  return alias === null ? null : { kind: 'alias', value: alias };
}

/** Lower-cased alias, or null when it breaks the rules (3-40 letters, digits or ._@-, one letter at least). */
export function normalizeAlias(text: string): string | null {
  const a = text.trim().normalize('NFC').toLowerCase();
  if (!ALIAS.test(a) || !/\p{L}/u.test(a)) return null;
  return a;
}

/** A random 9-digit NemID number (first digit not 0, as on the letters). */
export function randomNemIdNumber(random: RandomSource): string {
  return String(100_000_000 + randomBelow(random, 900_000_000));
}
