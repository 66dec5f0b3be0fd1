import { createHash } from 'node:crypto';

/**
 * KC-7: the digest of the exact batch of transactions shown to the user. Each transaction is
 * length-prefixed, so neither splitting, joining nor reordering gives the same digest.
 */
export function batchDigest(transactions: readonly string[]): string {
  const h = createHash('sha256').update('nemid-sim batch v1');
  const count = Buffer.alloc(4);
  count.writeUInt32BE(transactions.length);
  h.update(count);
  for (const t of transactions) {
    const bytes = Buffer.from(t.normalize('NFC'), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    h.update(len).update(bytes);
  }
  return h.digest('hex');
}
