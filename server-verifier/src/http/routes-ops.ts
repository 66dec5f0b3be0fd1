import { Type } from 'typebox';
import { type App, type RouteContext, type ServiceState, sendText } from './context.js';
import { errorFields } from './logging.js';
import { UNAVAILABLE_RETRY_AFTER_S } from './refusals.js';
import { ErrorReply } from './replies.js';

/**
 * For operators and their tools, without an API key (serve on a private network): liveness,
 * readiness (the database answers), Prometheus metrics and the OpenAPI document.
 */
export function opsRoutes(app: App, ctx: RouteContext, state: ServiceState): void {
  const tags = ['operations'];

  app.get(
    '/health',
    {
      schema: {
        tags,
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ ok: Type.Literal(true) }) },
      },
    },
    async () => ({ ok: true as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags,
        summary: 'Readiness: the database answers, and the service is not shutting down',
        description:
          '503 UNAVAILABLE (with Retry-After) while the database does not answer a read, for 5 s after it ' +
          'refused work (a full disk still answers reads) unless a request succeeds meanwhile, and during shutdown.',
        response: { 200: Type.Object({ ready: Type.Literal(true) }), 503: ErrorReply },
      },
    },
    async (request, reply) => {
      if (state.closing) {
        return reply
          .code(503)
          .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S))
          .send({ error: { code: 'UNAVAILABLE', message: 'The service is shutting down.' } });
      }
      if (Date.now() < state.unavailableUntil) {
        return reply
          .code(503)
          .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S))
          .send({ error: { code: 'UNAVAILABLE', message: 'The database refused work a moment ago.' } });
      }
      try {
        // A cheap indexed read that every store does against the database itself.
        await ctx.verifier.getChallenge('ready-probe');
        return { ready: true as const };
      } catch (err) {
        request.log.warn(errorFields(err), 'not ready');
        return reply
          .code(503)
          .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S))
          .send({ error: { code: 'UNAVAILABLE', message: 'The database does not answer.' } });
      }
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags,
        summary: 'Prometheus metrics (text exposition format)',
        response: {
          200: { description: 'Metrics', content: { 'text/plain': { schema: Type.String() } } },
        },
      },
    },
    async (_request, reply) => {
      return sendText(reply, ctx.metrics.registry.contentType, await ctx.metrics.registry.metrics());
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
