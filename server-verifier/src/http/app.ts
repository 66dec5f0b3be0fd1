import { isIP } from 'node:net';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Verifier } from '../verifier.js';
import { ApiKeys } from './auth.js';
import type { App, RouteContext, ServiceState } from './context.js';
import { errorFields, loggerOptions, requestId } from './logging.js';
import { ServiceMetrics } from './metrics.js';
import { DEFAULTS, type ResolvedOptions, resolveOptions, type ServiceOptions } from './options.js';
import { PasswordGate } from './password-gate.js';
import { attemptLimits } from './rate-limits.js';
import { answerClientError, refusalOf, ServiceError, UNAVAILABLE_RETRY_AFTER_S } from './refusals.js';
import { adminFactorRoutes } from './routes-admin-factors.js';
import { adminUserRoutes } from './routes-admin-users.js';
import { logonRoutes } from './routes-logon.js';
import { opsRoutes } from './routes-ops.js';
import { selfServiceRoutes } from './routes-self-service.js';

export interface VerifierService {
  readonly app: App;
  readonly options: ResolvedOptions;
  readonly state: ServiceState;
}

/** How long /ready reports a database that refused work, unless a request succeeds before. */
export const UNAVAILABLE_REPORTED_MS = 5_000;

/**
 * The verifier over HTTP: Fastify with every body, parameter and reply declared as JSON Schema
 * (TypeBox), the OpenAPI document made from the same schemas, two API keys, attempt limits,
 * JSON-lines logs, Prometheus metrics, and expired challenges purged on a timer.
 */
export async function buildVerifierService(
  verifier: Verifier,
  options: ServiceOptions = {},
): Promise<VerifierService> {
  const o = resolveOptions(options);
  const t = o.timeouts;
  const app: App = Fastify({
    ...loggerOptions(o),
    genReqId: requestId,
    bodyLimit: DEFAULTS.bodyLimit,
    // Node checks its time limits once per interval, so a limit acts up to an interval late.
    http: {
      headersTimeout: t.headersMs,
      requestTimeout: t.requestMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(t.headersMs / 4))),
    },
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    clientErrorHandler: answerClientError,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: false,
        formats: { ip: (s: string) => isIP(s) !== 0 },
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const state: ServiceState = { closing: false, unavailableUntil: 0 };
  const keys = new ApiKeys(o);
  const metrics = new ServiceMetrics();
  const unsubscribe = verifier.subscribe((e) => metrics.event(e));
  const ctx: RouteContext = {
    verifier,
    keys,
    metrics,
    passwords: new PasswordGate(o.passwordConcurrency),
    limitAttempts: await attemptLimits(app, o.rateLimits, keys),
  };

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'nemid-sim verifier',
        version: '1',
        description:
          'The NemID verifier for the bank backends (log-on, signing, self-service) and the back office ' +
          '(/v1/admin). docs/http-api.md explains keys, limits, errors and operations.',
      },
      components: {
        securitySchemes: {
          backendKey: { type: 'http', scheme: 'bearer', description: 'The backend API key' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'The admin API key' },
        },
      },
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (state.closing) {
      reply.header('connection', 'close');
      throw new ServiceError(503, 'UNAVAILABLE', 'The service is shutting down.', {
        'retry-after': String(UNAVAILABLE_RETRY_AFTER_S),
      });
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // During shutdown a finished request's connection is not kept for another.
    if (state.closing) reply.header('connection', 'close');
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    if (reply.statusCode < 300 && route.startsWith('/v1/')) state.unavailableUntil = 0;
    metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        route,
        url: request.url,
        status: reply.statusCode,
        ms: round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.setErrorHandler((err, request, reply) => {
    if (refusalOf(err).kind === 'unavailable') state.unavailableUntil = Date.now() + UNAVAILABLE_REPORTED_MS;
    return answerError(err, request, reply, metrics);
  });
  const methods = staticRouteMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = methods.get(path);
    closeIfUnread(request, reply);
    const r =
      allowed === undefined
        ? new ServiceError(404, 'NOT_FOUND', 'No such endpoint.')
        : new ServiceError(405, 'INVALID_INPUT', `Use ${[...allowed].join(' or ')} for ${path}.`, {
            allow: [...allowed].join(', '),
          });
    return answerError(r, request, reply, metrics);
  });

  logonRoutes(app, ctx);
  selfServiceRoutes(app, ctx);
  adminUserRoutes(app, ctx);
  adminFactorRoutes(app, ctx);
  opsRoutes(app, ctx, state);

  const purge = purgeTimer(app, verifier, o.purgeIntervalMs);
  app.addHook('onClose', async () => {
    if (purge !== null) clearInterval(purge);
    unsubscribe();
  });
  await app.ready();
  return { app, options: o, state };
}

function answerError(err: unknown, request: FastifyRequest, reply: FastifyReply, metrics: ServiceMetrics) {
  const r = refusalOf(err);
  if (r.kind === 'internal') {
    request.log.error(errorFields(err), 'internal error');
  } else if (r.kind === 'unavailable') {
    metrics.databaseUnavailable();
    request.log.warn(errorFields(err), 'database unavailable');
  }
  closeIfUnread(request, reply);
  return reply.code(r.status).headers(r.headers).send(r.body);
}

/**
 * A refusal before the body was read whole (413 on a declared size, 401 before the body) closes
 * the connection, so the rest of the body is not read for nothing.
 */
function closeIfUnread(request: FastifyRequest, reply: FastifyReply): void {
  if (!request.raw.complete) reply.header('connection', 'close');
}

/** Methods of each fixed path, so a wrong method is 405 with Allow rather than 404. */
function staticRouteMethods(app: App): Map<string, Set<string>> {
  const methods = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (route.url.includes(':') || route.method === 'HEAD') return;
    const set = methods.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) if (m !== 'HEAD') set.add(m);
    methods.set(route.url, set);
  });
  return methods;
}

/** #16: expired challenges are removed every `ms` (never kept for good by an unanswered log-on). */
function purgeTimer(app: App, verifier: Verifier, ms: number): NodeJS.Timeout | null {
  if (ms === 0) return null;
  const timer = setInterval(() => {
    verifier.purgeExpiredChallenges().then(
      (n) => {
        if (n > 0) app.log.info({ purged: n }, 'expired challenges removed');
      },
      (err: unknown) => app.log.warn({ err }, 'purging expired challenges failed; trying again later'),
    );
  }, ms);
  timer.unref();
  return timer;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
