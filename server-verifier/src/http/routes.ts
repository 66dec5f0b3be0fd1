import type { Verifier } from '../verifier.js';
import { type Body, onlyFields, optionalIp, optionalText, PATTERNS, text, textList } from './validate.js';

/** One endpoint: checks its body at the edge, then asks the verifier. */
export type Handler = (verifier: Verifier, body: Body) => Promise<unknown>;

const MAX_TRANSACTIONS = 100;
const MAX_TRANSACTION_TEXT = 2000;

const userIdOf = (b: Body) => text(b, 'userId', 64);
const providerOf = (b: Body) => text(b, 'providerId', 64, PATTERNS.providerId);
const challengeOf = (b: Body) => text(b, 'challengeId', 64, PATTERNS.challengeId);
const keyOf = (b: Body) => text(b, 'key', 16, PATTERNS.key);
const originOf = (b: Body) => ({
  ip: optionalIp(b, 'ip'),
  site: optionalText(b, 'site', 253, PATTERNS.site),
});

/**
 * POST endpoints, by path. The calling backend passes the end user's IP address and, for the
 * user's opt-in site log, the site's host name (S-1).
 */
export const ROUTES: Readonly<Record<string, Handler>> = {
  /** ID-1, ID-2: user id (NemID number, CPR or alias) and password -> a key-card or key-display challenge. */
  '/v1/logon': async (v, b) => {
    onlyFields(b, ['userId', 'password', 'providerId', 'ip', 'site']);
    const challenge = await v.startLogon({
      userId: userIdOf(b),
      password: text(b, 'password', 128),
      providerId: providerOf(b),
      ...originOf(b),
    });
    return { challenge };
  },
  /** T-7: "Skift til nøgleviser" on a card challenge -> a key-display challenge that activates it. */
  '/v1/logon/switch-to-token': async (v, b) => {
    onlyFields(b, ['challengeId']);
    return { challenge: await v.switchToToken(challengeOf(b)) };
  },
  /** The key from the card (or the code from the key display) -> who logged on. */
  '/v1/logon/complete': async (v, b) => {
    onlyFields(b, ['challengeId', 'key']);
    return { result: await v.completeLogon(challengeOf(b), keyOf(b)) };
  },
  /** KC-7: a batch of transactions to approve with one key -> a challenge bound to its digest. */
  '/v1/sign': async (v, b) => {
    onlyFields(b, ['userId', 'providerId', 'transactions', 'ip', 'site']);
    const challenge = await v.startSigning({
      userId: userIdOf(b),
      providerId: providerOf(b),
      transactions: textList(b, 'transactions', MAX_TRANSACTIONS, MAX_TRANSACTION_TEXT),
      ...originOf(b),
    });
    return { challenge };
  },
  /** The key, with the exact batch shown to the user (another batch fails with AUTH009). */
  '/v1/sign/complete': async (v, b) => {
    onlyFields(b, ['challengeId', 'key', 'transactions']);
    const result = await v.completeSigning(
      challengeOf(b),
      keyOf(b),
      textList(b, 'transactions', MAX_TRANSACTIONS, MAX_TRANSACTION_TEXT),
    );
    return { result };
  },
};
