import type { TokenState } from './records.js';

/** T-5: the states in which a token belongs to its user; a user holds at most one such token. */
export function holdsToken(state: TokenState): boolean {
  return state === 'assigned' || state === 'active' || state === 'blocked';
}
