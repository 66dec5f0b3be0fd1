import { createHmac } from 'node:crypto';

/**
 * S-3: what a provider learns about the user. A provider approved for CPR gets the CPR number; any
 * other gets a pseudonym: HMAC-SHA256 under a server key of the provider id and the internal user
 * id. It is stable for that provider, differs between providers, and without the key two providers
 * cannot link their pseudonyms or work back to the user.
 */
export type ProviderIdentity =
  | { readonly kind: 'cpr'; readonly cpr: string }
  | { readonly kind: 'pseudonym'; readonly pseudonym: string };

export function pseudonymFor(key: Uint8Array, providerId: string, userId: string): string {
  const mac = createHmac('sha256', key);
  // Length-prefixed fields, so ('ab','c') and ('a','bc') never collide.
  for (const field of [providerId, userId]) {
    const bytes = Buffer.from(field, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    mac.update(len).update(bytes);
  }
  return `PID-${mac.digest().subarray(0, 20).toString('base64url')}`;
}

/** Pseudonyms are a pure function of (key, provider, user): recent ones are kept to save the HMAC. */
export class PseudonymCache {
  private readonly entries = new Map<string, string>();

  constructor(
    private readonly key: Uint8Array,
    private readonly limit = 4096,
  ) {}

  get(providerId: string, userId: string): string {
    const k = `${providerId.length}:${providerId}${userId}`;
    let p = this.entries.get(k);
    if (p === undefined) {
      p = pseudonymFor(this.key, providerId, userId);
      if (this.entries.size >= this.limit) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      this.entries.set(k, p);
    }
    return p;
  }
}
