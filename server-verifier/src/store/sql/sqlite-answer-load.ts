/**
 * SQLite's read half of answerChallenge: the challenge, its user, card or token and provider in one
 * statement (one B-tree search each, one statement step instead of four). Rows come back as one
 * flat array (`raw`) and are cut apart here by the same column lists that build the SELECT.
 */
import type { CardRow, ChallengeRow, ProviderRow, TokenRow, UserRow } from './rows.js';

const COLUMNS = {
  c: [
    'id',
    'user_id',
    'purpose',
    'factor',
    'card_serial',
    'key_number',
    'token_serial',
    'batch_digest',
    'provider_id',
    'ip',
    'data',
    'created_at',
    'expires_at',
  ],
  u: [
    'id',
    'nemid_number',
    'cpr',
    'alias',
    'name',
    'address',
    'mobile',
    'email',
    'eligibility',
    'status',
    'site_log_opt_in',
    'reorder_threshold',
    'created_at',
  ],
  k: ['serial', 'user_id', 'secret', 'sequence', 'status', 'issued_at', 'reorder_sent_at'],
  t: [
    'serial',
    'kind',
    'algorithm',
    'digits',
    'step_seconds',
    't0',
    'secret',
    'user_id',
    'state',
    'last_counter',
    'drift_steps',
    'pending_drift_steps',
    'resync_counter',
    'last_used_at',
    'activated_at',
  ],
  p: ['id', 'name', 'cpr_approved', 'is_bank'],
} as const;

type Alias = keyof typeof COLUMNS;
const ORDER: readonly Alias[] = ['c', 'u', 'k', 't', 'p'];

export const LOAD_ANSWER_SQL = `SELECT ${ORDER.flatMap((a) => COLUMNS[a].map((col) => `${a}.${col}`)).join(', ')}
  FROM challenges c
  LEFT JOIN users u ON u.id = c.user_id
  LEFT JOIN cards k ON k.serial = c.card_serial
  LEFT JOIN tokens t ON t.serial = c.token_serial
  LEFT JOIN providers p ON p.id = c.provider_id
  WHERE c.id = ?`;

export interface AnswerRows {
  readonly c: ChallengeRow;
  readonly u: UserRow | null;
  readonly k: CardRow | null;
  readonly t: TokenRow | null;
  readonly p: ProviderRow | null;
}

/** Cuts the flat row apart; a table the join found nothing in (its key column NULL) is null. */
export function splitAnswerRow(values: readonly unknown[]): AnswerRows {
  const out: Record<string, Record<string, unknown> | null> = {};
  let at = 0;
  for (const alias of ORDER) {
    const cols = COLUMNS[alias];
    if (values[at] === null) {
      out[alias] = null;
    } else {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < cols.length; i++) row[cols[i]] = values[at + i];
      out[alias] = row;
    }
    at += cols.length;
  }
  return out as unknown as AnswerRows;
}
