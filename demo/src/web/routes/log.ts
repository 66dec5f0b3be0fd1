import type { AuditEntry } from '@nemid-sim/server-verifier';
import type { FastifyInstance } from 'fastify';
import { SITES } from '../../bank-nemid.js';
import type { Lang } from '../../lang.js';
import { errorText, isErrorCode } from '../error-texts.js';
import { type Html, html } from '../html.js';
import { csrfField, page } from '../layout.js';
import { addFlash, langOf, seeOther, sendPage, takeFlash, textsOf } from '../request.js';
import type { DemoServices } from '../services.js';
import type { Texts } from '../texts.js';
import { customerOf } from './guard.js';

const siteLoggingBody = {
  type: 'object',
  properties: { siteLogging: { type: 'string', enum: ['on'] } },
} as const;

const PROVIDER_NAMES: Record<string, string> = Object.fromEntries(
  Object.values(SITES).map((s) => [s.id, s.name]),
);

/** S-1: the user's own log, and the opt-in to logging which websites NemID was used on. */
export function logRoutes(app: FastifyInstance, s: DemoServices): void {
  app.get('/log', async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    const t = textsOf(request);
    const lang = langOf(request);
    const csrf = reply.generateCsrf();
    const [{ user }, entries] = await Promise.all([s.bank.overview(userId), s.bank.log(userId)]);
    const body = html`<h1>${t.logTitle}</h1>
      <p>${t.logIntro}</p>
      <form method="post" action="/log/site-logging" class="inline-form">${csrfField(csrf)}
        <input type="checkbox" id="siteLogging" name="siteLogging" value="on"${user.siteLogOptIn ? html` checked` : ''}>
        <label for="siteLogging">${t.siteLogging}</label>
        <button type="submit" class="secondary">${t.save}</button>
      </form>
      <div class="table-scroll" role="region" aria-labelledby="log-caption" tabindex="0">
      <table class="log">
        <caption id="log-caption" class="visually-hidden">${t.logTitle}</caption>
        <thead><tr>
          <th scope="col">${t.time}</th><th scope="col">${t.action}</th><th scope="col">${t.factor}</th>
          <th scope="col">${t.outcome}</th><th scope="col">${t.ip}</th><th scope="col">${t.provider}</th><th scope="col">${t.website}</th>
        </tr></thead>
        <tbody>${entries.map((e) => row(t, lang, e))}</tbody>
      </table>
      </div>`;
    const flash = takeFlash(request);
    return sendPage(reply, page({ t, title: t.logTitle, path: '/log', csrf, body, flash, nav: 'log' }));
  });

  app.post<{ Body: { siteLogging?: 'on' } }>(
    '/log/site-logging',
    { schema: { body: siteLoggingBody } },
    async (request, reply) => {
      const userId = customerOf(request, reply);
      if (userId === null) return reply;
      const on = request.body?.siteLogging === 'on';
      await s.bank.setSiteLogging(userId, on);
      const t = textsOf(request);
      addFlash(request, 'ok', on ? t.siteLoggingOn : t.siteLoggingOff);
      return seeOther(reply, '/log');
    },
  );
}

function row(t: Texts, lang: Lang, e: AuditEntry): Html {
  return html`<tr>
    <td>${formatTime(e.at, lang)}</td>
    <td>${t.actions[e.action] ?? e.action}</td>
    <td>${t.factors[e.factor]}</td>
    <td>${e.outcome === 'ok' ? t.ok : outcomeText(e.outcome, lang)}</td>
    <td>${e.ip ?? ''}</td>
    <td>${e.providerId === null ? '' : (PROVIDER_NAMES[e.providerId] ?? e.providerId)}</td>
    <td>${e.site ?? ''}</td>
  </tr>`;
}

function outcomeText(code: string, lang: Lang): string {
  return isErrorCode(code) ? `${code}: ${errorText(code, undefined, lang)}` : code;
}

export function formatTime(ms: number, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'da' ? 'da-DK' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'Europe/Copenhagen',
  }).format(ms);
}
