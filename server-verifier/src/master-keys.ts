import { hkdfSync } from 'node:crypto';

/** The keys the verifier derives from the embedding application's one master key. */
export interface DerivedKeys {
  /** AES-256-GCM key for card and token secrets. */
  readonly secrets: Uint8Array;
  /** HMAC key for provider pseudonyms (S-3). */
  readonly pseudonyms: Uint8Array;
  /** HMAC key that names lockout counters of unknown user ids. */
  readonly unknownIds: Uint8Array;
  /** HMAC key of the check value that tells whether a master key belongs to a database. */
  readonly keyCheck: Uint8Array;
}

function derive(master: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', master, 'nemid-sim/server-verifier', info, 32));
}

/** Separate keys per use (HKDF-SHA256), so no key serves two purposes. */
export function deriveKeys(master: Uint8Array): DerivedKeys {
  if (!(master instanceof Uint8Array) || master.length !== 32) {
    throw new RangeError('the master key must be 32 bytes');
  }
  return {
    secrets: derive(master, 'secrets v1'),
    pseudonyms: derive(master, 'pseudonyms v1'),
    unknownIds: derive(master, 'unknown ids v1'),
    keyCheck: derive(master, 'key check v1'),
  };
}
