import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type ErrorCode, VerifierError } from '../errors.js';
import type { ChallengeView } from '../views.js';
import { type ValidationIssue, validationMessage } from './validation-errors.js';

/** A refusal at the HTTP edge, before the verifier is asked: wrong key, wrong route, rate limit. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

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

/** Seconds a caller waits before trying again after 503 UNAVAILABLE. */
export const UNAVAILABLE_RETRY_AFTER_S = 1;

export interface Refusal {
  readonly status: number;
  readonly body: {
    readonly error: { readonly code: string; readonly message: string };
    /** AUTH011: the challenge to answer with the next code from the key display. */
    readonly challenge?: ChallengeView;
  };
  readonly headers: Readonly<Record<string, string>>;
  /** 'internal': unexpected, logged with its cause and stack; 'unavailable': the database. */
  readonly kind: 'refused' | 'unavailable' | 'internal';
}

/** Fastify's own refusals, by code: the status and a sentence that quotes nothing from the request. */
const FASTIFY: Readonly<Record<string, readonly [number, string]>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Send the body as JSON (Content-Type: application/json).'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'The body is too large.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'The Content-Length does not match the body.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'The body is empty; send a JSON object.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [
    400,
    'The body is not valid JSON (a "__proto__" or "constructor.prototype" key counts as invalid).',
  ],
  FST_ERR_BAD_URL: [400, 'The URL is not valid.'],
};

const refused = (status: number, code: string, message: string, headers = {}): Refusal => ({
  status,
  body: { error: { code, message } },
  headers,
  kind: 'refused',
});

/** Turns anything thrown while handling a request into a reply that reveals nothing secret. */
export function refusalOf(err: unknown): Refusal {
  if (err instanceof ServiceError) return refused(err.status, err.code, err.message, err.headers);
  if (err instanceof VerifierError) {
    if (err.code === 'UNAVAILABLE') {
      return {
        ...refused(503, err.code, err.message, { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) }),
        kind: 'unavailable',
      };
    }
    if (err.code === 'WRONG_MASTER_KEY') return internal();
    // The verifier's messages are written to be shown to users and never hold a secret.
    const body =
      err.code === 'AUTH011' && err.retry !== undefined
        ? { error: { code: err.code, message: err.message }, challenge: err.retry }
        : { error: { code: err.code, message: err.message } };
    return { status: STATUS[err.code] ?? 400, body, headers: {}, kind: 'refused' };
  }
  const fastify = fastifyError(err);
  if (fastify !== null) return fastify;
  return internal();
}

function fastifyError(err: unknown): Refusal | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & { code?: string; validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    return refused(400, 'INVALID_INPUT', validationMessage(e.validation, e.validationContext ?? 'body'));
  }
  const known = e.code === undefined ? undefined : FASTIFY[e.code];
  if (known === undefined) return null;
  const [status, message] = known;
  return refused(status, 'INVALID_INPUT', message);
}

function internal(): Refusal {
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'Internal error; the service log has a line for it.' } },
    headers: {},
    kind: 'internal',
  };
}

/** The body of a refusal Node's HTTP parser makes before Fastify sees a request. */
const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'TIMEOUT', 'The request was not received in time.'],
  HPE_HEADER_OVERFLOW: [431, 'INVALID_INPUT', 'The request headers are too large.'],
};

/**
 * Node's own refusals (a malformed request line, headers too large or too slow), answered like
 * every other refusal: `{ "error": { "code", "message" } }`, then the connection is closed.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'INVALID_INPUT',
    'The request is not valid HTTP/1.1.',
  ];
  const body = JSON.stringify({ error: { code, message } });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // Closed once written: nothing more is read from a connection in this state.
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
