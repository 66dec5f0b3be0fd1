/**
 * Comparisons whose running time depends only on the lengths of the inputs, never on where they
 * differ, so that a verifier does not leak how much of a guessed code was right.
 */
export function codesEqual(a: number, b: number): boolean {
  return ((a ^ b) | (((a - b) / 4294967296) | 0)) === 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function stringsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
