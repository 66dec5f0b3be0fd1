import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../bank-nemid.js';
import { isLang, type Lang } from '../lang.js';
import type { Flash } from './session.js';
import { type Texts, texts } from './texts.js';

export const LANG_COOKIE = 'lang';

export function langOf(request: FastifyRequest): Lang {
  const v = request.cookies[LANG_COOKIE];
  return isLang(v) ? v : 'da';
}

export function textsOf(request: FastifyRequest): Texts {
  return texts(langOf(request));
}

/** For the user's log (S-1): the IP address, and the page as the site used. */
export function originOf(request: FastifyRequest, path: string): RequestOrigin {
  return { ip: request.ip, site: `${request.protocol}://${request.host}${path}` };
}

export function addFlash(request: FastifyRequest, kind: Flash['kind'], text: string): void {
  request.session.flash = [...(request.session.flash ?? []), { kind, text }];
}

/** The messages left for this page by the request before; shown once. */
export function takeFlash(request: FastifyRequest): Flash[] {
  const messages = request.session.flash ?? [];
  if (messages.length > 0) request.session.flash = undefined;
  return messages;
}

export function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
}

/** After a form: see the result with GET (POST, redirect, GET), so a reload never posts twice. */
export function seeOther(reply: FastifyReply, path: string): FastifyReply {
  return reply.redirect(path, 303);
}

/** Only local paths, so the language switch cannot send anyone elsewhere. */
export function safeLocalPath(path: unknown): string {
  return typeof path === 'string' && /^\/(?!\/)[\w\-./]*$/.test(path) ? path : '/';
}
