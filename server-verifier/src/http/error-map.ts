import { type ErrorCode, VerifierError } from '../errors.js';
import { HttpError } from './json-io.js';

/** The HTTP status of each verifier error code. The body always carries the code itself. */
const STATUS: Readonly<Record<ErrorCode, number>> = {
  AUTH001: 401,
  AUTH002: 401,
  AUTH003: 410,
  AUTH004: 423,
  AUTH005: 403,
  AUTH006: 403,
  AUTH007: 423,
  AUTH008: 403,
  AUTH009: 409,
  AUTH010: 401,
  AUTH011: 409,
  AUTH012: 403,
  LOCK001: 423,
  LOCK002: 423,
  LOCK003: 423,
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  WRONG_MASTER_KEY: 500,
};

export interface ErrorReply {
  readonly status: number;
  readonly body: {
    readonly error: { readonly code: string; readonly message: string };
    /** AUTH011: the challenge to answer with the next code from the key display. */
    readonly challenge?: unknown;
  };
  /** True for failures the service did not expect (logged, and answered without detail). */
  readonly internal: boolean;
}

/** Turns anything thrown while handling a request into a reply that reveals nothing secret. */
export function errorReply(err: unknown): ErrorReply {
  if (err instanceof HttpError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message } }, internal: false };
  }
  if (err instanceof VerifierError) {
    // The verifier's messages are written to be shown to users and never hold a secret.
    const body =
      err.code === 'AUTH011' && err.retry !== undefined
        ? { error: { code: err.code, message: err.message }, challenge: err.retry }
        : { error: { code: err.code, message: err.message } };
    return { status: STATUS[err.code] ?? 400, body, internal: false };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error; the service log has a line for it' } },
    internal: true,
  };
}
