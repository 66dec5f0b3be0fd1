import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type FastifyServerOptions, LogController } from 'fastify';
import type { ResolvedOptions } from './options.js';

/**
 * Anything that could hold a secret, wherever it shows up in a log object: passwords, keys and
 * codes, challenge ids (a challenge id with a key answers a log-on), card and PSKC secrets, the
 * Authorization header. Request bodies are never logged in the first place; this is the net.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'body',
  '*.body',
  '*.password',
  '*.key',
  '*.challengeId',
  '*.secret',
  '*.psk',
  '*.document',
];

/** A caller's X-Request-Id is kept when it is short and plain, so backends can follow a request. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given) ? given : randomUUID();
}

/** An error's kind, message, code and stack: for the log only. */
export function errorForLog(err: unknown): { type: string; message: string; stack: string; code?: unknown } {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err), stack: '' };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: err.message,
    ...(code === undefined ? {} : { code }),
    stack: err.stack ?? '',
  };
}

/** The log fields of an error and, when it has one, its cause (a driver's error behind UNAVAILABLE). */
export function errorFields(err: unknown): { err: unknown; cause?: unknown } {
  const cause = err instanceof Error ? err.cause : undefined;
  return cause === undefined ? { err } : { err, cause };
}

/** Fastify's logger options: JSON lines on `logStream`, or none. */
export function loggerOptions(o: ResolvedOptions): Pick<FastifyServerOptions, 'logger' | 'logController'> {
  // One line per request, written on the reply (see app.ts), instead of Fastify's two.
  const logController = new LogController({ disableRequestLogging: true });
  if (o.logStream === undefined) return { logger: false, logController };
  return {
    logger: {
      level: o.logLevel ?? 'info',
      stream: o.logStream,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: errorForLog, cause: errorForLog },
      base: { service: 'nemid-verifier' },
    },
    logController,
  };
}
