import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeys, Role } from './auth.js';
import type { RateLimit, RateLimits } from './options.js';
import { ServiceError } from './refusals.js';

/** Addresses (or IPv6 /64 networks) whose counts are kept at once; the oldest are forgotten first. */
const KEPT_KEYS = 100_000;

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * The limits on attempts (the starts of log-on, signing and token actions): per end-user address
 * first, then per calling client. They key on the address and the client, never on the user id:
 * a limit per user id would let anyone lock a user out by trying that id (the verifier's own
 * lockout already bounds the tries per user). A request refused by the address limit is not
 * counted against its client, so one busy address cannot use up the client's allowance.
 */
export async function attemptLimits(
  app: FastifyInstance,
  limits: RateLimits,
  keys: ApiKeys,
): Promise<(request: FastifyRequest, role: Role) => Promise<void>> {
  await app.register(rateLimit, { global: false });
  const limiter = (limit: RateLimit, keyOf: (r: FastifyRequest) => string): Limiter | null => {
    if (limit.max === 0) return null;
    const options = { max: limit.max, timeWindow: limit.windowMs, keyGenerator: keyOf, cache: KEPT_KEYS };
    return app.createRateLimit(options);
  };
  const perAddress = limiter(limits.perAddress, (r) => `ip:${normalizeIP(addressOf(r) ?? '', 64)}`);
  const clientKey = new WeakMap<FastifyRequest, string>();
  const perClient = limiter(limits.perClient, (r) => clientKey.get(r) ?? '');

  return async (request, role) => {
    if (perAddress !== null && addressOf(request) !== null) await enforce(perAddress, request, 'address');
    if (perClient !== null) {
      clientKey.set(request, keys.clientOf(request, role));
      await enforce(perClient, request, 'client');
    }
  };
}

/** The end user's address as the backend passed it in the body. */
function addressOf(request: FastifyRequest): string | null {
  const body = request.body as { ip?: unknown } | undefined;
  return typeof body?.ip === 'string' ? body.ip : null;
}

async function enforce(limiter: Limiter, request: FastifyRequest, what: 'address' | 'client'): Promise<void> {
  const r = await limiter(request);
  if (r.isAllowed || !r.isExceeded) return;
  const wait = Math.max(1, r.ttlInSeconds);
  throw new ServiceError(
    429,
    'RATE_LIMITED',
    `Too many attempts from this ${what === 'address' ? 'address' : 'client'}; try again in ${wait} s.`,
    { 'retry-after': String(wait) },
  );
}
