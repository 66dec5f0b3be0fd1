import type { SecretBox } from './secret-box.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function context(userId: string): string {
  return `password:${userId}`;
}

/**
 * ID-4, S-2: the scrypt hash and the PIN flag, sealed together under the master key (AES-256-GCM,
 * bound to the user id). A copy of the database alone cannot test a password offline, not even
 * one of the 10,000 PINs, and both kinds seal to the same length, so nothing stored singles out a
 * PIN user.
 */
export function sealPassword(box: SecretBox, userId: string, hash: string, isPin: boolean): Uint8Array {
  return box.seal(encoder.encode(`${isPin ? 'pin' : 'pwd'}:${hash}`), context(userId));
}

export function openPassword(
  box: SecretBox,
  userId: string,
  sealed: Uint8Array,
): { hash: string; isPin: boolean } {
  const text = decoder.decode(box.open(sealed, context(userId)));
  return { hash: text.slice(4), isPin: text.startsWith('pin:') };
}
