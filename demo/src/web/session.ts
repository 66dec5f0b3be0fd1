import type { Site } from '../bank-nemid.js';

/** The key step waiting in a session: a log-on, an outbox signing or a key-display block. */
export type KeyStep =
  | { readonly kind: 'logon'; readonly site: Site; challengeId: string; recording?: string }
  | {
      readonly kind: 'sign';
      challengeId: string;
      /** The exact texts the key approves (KC-7), and which transfers they are. */
      readonly transactions: string[];
      readonly transferIds: string[];
      recording?: string;
    }
  | { readonly kind: 'token-block'; challengeId: string; recording?: string };

export interface Flash {
  readonly kind: 'error' | 'ok';
  readonly text: string;
}

declare module 'fastify' {
  interface Session {
    step?: KeyStep;
    /** Logged on to the bank: the verifier's internal id (never shown) and the CPR number (S-3). */
    userId?: string;
    cpr?: string | null;
    /** Logged on to the web shop: all it knows is its pseudonym (S-3). */
    shopPseudonym?: string;
    flash?: Flash[];
  }
}
