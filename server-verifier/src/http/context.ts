import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Verifier } from '../verifier.js';
import type { ApiKeys, Role } from './auth.js';
import type { ServiceMetrics } from './metrics.js';
import type { PasswordGate } from './password-gate.js';

/** The Fastify instance with TypeBox typing the handlers from the route schemas. */
export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ServiceState {
  /** True from the start of shutdown: /ready answers 503 and new requests are refused. */
  closing: boolean;
  /**
   * Until when /ready answers 503 after the database refused work (UNAVAILABLE): a full disk still
   * answers reads, so the read /ready makes would not show it. A success ends it sooner.
   */
  unavailableUntil: number;
}

/** What the route modules share. */
export interface RouteContext {
  readonly verifier: Verifier;
  readonly keys: ApiKeys;
  readonly metrics: ServiceMetrics;
  /** Password steps (scrypt) go through this. */
  readonly passwords: PasswordGate;
  /** Checks the attempt limits (preHandler of the starts of log-on, signing, token actions). */
  readonly limitAttempts: (request: FastifyRequest, role: Role) => Promise<void>;
}

/** The OpenAPI security requirement and the onRequest hook of a route for `role`. */
export function guard(ctx: RouteContext, role: Role) {
  return {
    security: [{ [role === 'admin' ? 'adminKey' : 'backendKey']: [] }],
    onRequest: async (request: FastifyRequest) => ctx.keys.check(request, role),
  };
}

/** The preHandler that applies the attempt limits (after the body is checked, so it has `ip`). */
export function attemptLimit(ctx: RouteContext, role: Role) {
  return async (request: FastifyRequest) => ctx.limitAttempts(request, role);
}

/** A reply that is text, not JSON (NDJSON, Prometheus), sent as it is rather than serialised. */
export function sendText(reply: FastifyReply, contentType: string, text: string): FastifyReply {
  return reply.type(contentType).send(text);
}
