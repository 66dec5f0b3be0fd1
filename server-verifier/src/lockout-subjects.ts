import { createHmac } from 'node:crypto';
import type { LockoutSubject } from './store/store.js';

export function passwordSubject(userId: string): LockoutSubject {
  return { kind: 'password', id: userId };
}

export function cardSubject(serial: string): LockoutSubject {
  return { kind: 'card', id: serial };
}

export function tokenSubject(serial: string): LockoutSubject {
  return { kind: 'token', id: serial };
}

/**
 * The password counter of a user id nobody has. It locks exactly like a real user's, so neither
 * the error codes nor the lockouts tell an attacker whether a user id exists. Keyed, so the store
 * does not learn the ids that were tried.
 */
export function unknownIdSubject(key: Uint8Array, kind: string, value: string): LockoutSubject {
  const name = createHmac('sha256', key).update(`${kind}\u0000${value}`).digest('base64url');
  return { kind: 'password', id: `unknown:${name}` };
}
