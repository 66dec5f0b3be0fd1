import type { FastifyReply, FastifyRequest } from 'fastify';
import { addFlash, seeOther, textsOf } from '../request.js';

/** The bank customer's internal id, or null after sending the visitor to the log-on page. */
export function customerOf(request: FastifyRequest, reply: FastifyReply): string | null {
  const userId = request.session.userId;
  if (userId !== undefined) return userId;
  addFlash(request, 'error', textsOf(request).notLoggedOn);
  void seeOther(reply, '/');
  return null;
}
