import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifySession from '@fastify/session';
import { isVerifierError } from '@nemid-sim/server-verifier';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type Session,
} from 'fastify';
import { html } from './html.js';
import { page } from './layout.js';
import { sendPage, textsOf } from './request.js';
import { accountRoutes } from './routes/account.js';
import { assetRoutes } from './routes/assets.js';
import { keyStepRoutes } from './routes/key-step.js';
import { logRoutes } from './routes/log.js';
import { logonRoutes } from './routes/logon.js';
import { outboxRoutes } from './routes/outbox.js';
import { selfServiceRoutes } from './routes/self-service.js';
import type { DemoServices } from './services.js';
import './session.js';

/** Sessions end after 30 minutes without a request (the NemID dialog itself after 5). */
const SESSION_MS = 30 * 60_000;

/**
 * Demo Netbank's web server: server-rendered pages (no JavaScript needed), a session cookie that is
 * HttpOnly and SameSite=Strict, a CSRF token in every form, and security headers (a strict content
 * security policy: no inline scripts or styles, no framing).
 */
export async function buildApp(s: DemoServices): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  await app.register(fastifyHelmet, {
    // Served over plain HTTP on 127.0.0.1: upgrading requests to HTTPS would break the page.
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: null,
        styleSrc: ["'self'"],
        fontSrc: ["'self'"],
        // A log-on page must never be framed (clickjacking).
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    hsts: false,
  });
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  const sessions = new Map<string, Session>();
  await app.register(fastifySession, {
    // Sessions live in memory, so a new secret at each start costs nothing but the sessions.
    secret: randomBytes(32).toString('hex'),
    cookieName: 'netbank_session',
    cookie: { httpOnly: true, sameSite: 'strict', secure: false, path: '/', maxAge: SESSION_MS },
    saveUninitialized: false,
    rolling: true,
    store: new fastifySession.MemoryStore(sessions),
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'POST') app.csrfProtection(request, reply, done);
    else done();
  });
  const sweep = dropExpiredSessions(sessions);
  app.addHook('onClose', async () => clearInterval(sweep));

  assetRoutes(app);
  logonRoutes(app, s);
  keyStepRoutes(app, s);
  accountRoutes(app, s);
  outboxRoutes(app, s);
  logRoutes(app, s);
  selfServiceRoutes(app, s);

  app.setNotFoundHandler((request, reply) => errorPage(request, reply, 404, textsOf(request).notFound));
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const t = textsOf(request);
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
      return errorPage(request, reply, 403, t.expiredForm);
    }
    if (err.validation !== undefined || (err.statusCode !== undefined && err.statusCode < 500)) {
      return errorPage(request, reply, err.statusCode ?? 400, t.badInput);
    }
    if (isVerifierError(err, 'UNAVAILABLE')) return errorPage(request, reply, 503, t.tryAgain);
    s.log(`error on ${request.method} ${request.url}: ${err.message}`);
    return errorPage(request, reply, 500, t.tryAgain);
  });
  return app;
}

function errorPage(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  const t = textsOf(request);
  const csrf = reply.generateCsrf();
  const body = html`<h1>${t.errorTitle}</h1><p class="message error" role="alert">${message}</p><p><a href="/">${t.home}</a></p>`;
  return sendPage(reply, page({ t, title: t.errorTitle, path: '/', csrf, body }), status);
}

/** The memory store keeps every session for good; those past their cookie's expiry go now and then. */
function dropExpiredSessions(sessions: Map<string, Session>): NodeJS.Timeout {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      const expires = session.cookie.expires;
      if (expires && expires.getTime() <= now) sessions.delete(id);
    }
  }, 60_000);
  timer.unref();
  return timer;
}
