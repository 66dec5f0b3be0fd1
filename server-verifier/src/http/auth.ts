import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ServiceError } from './refusals.js';

/** Which key a route takes: the backend's (log-on, signing, self-service) or the admin's. */
export type Role = 'backend' | 'admin';

/**
 * The two API keys. Each is compared as a SHA-256 digest with timingSafeEqual, so neither the
 * content nor the length of a key shows in the time a refusal takes.
 */
export class ApiKeys {
  private readonly digests: Readonly<Record<Role, Buffer | null>>;

  constructor(keys: { backendKey?: string; adminKey?: string }) {
    this.digests = {
      backend: keys.backendKey === undefined ? null : digest(keys.backendKey),
      admin: keys.adminKey === undefined ? null : digest(keys.adminKey),
    };
  }

  /** Refuses the request unless it carries the key of `role` (the other role's key included). */
  check(request: FastifyRequest, role: Role): void {
    const expected = this.digests[role];
    if (expected === null) {
      if (role === 'backend') return;
      throw new ServiceError(
        403,
        'FORBIDDEN',
        'The admin endpoints are off: the service was started without an admin API key.',
      );
    }
    const m = /^Bearer ([\x21-\x7e]+)$/.exec(request.headers.authorization ?? '');
    if (m === null || !timingSafeEqual(digest(m[1]), expected)) {
      throw new ServiceError(
        401,
        'UNAUTHORIZED',
        `A valid "Authorization: Bearer <${role} API key>" header is needed.`,
        { 'www-authenticate': 'Bearer' },
      );
    }
  }

  /**
   * Who is calling, for the per-client rate limit: the role when its key is set (every backend
   * with the key is one client), else the socket's address.
   */
  clientOf(request: FastifyRequest, role: Role): string {
    return this.digests[role] === null ? `addr:${request.ip}` : `key:${role}`;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
