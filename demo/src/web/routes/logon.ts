import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Site } from '../../bank-nemid.js';
import { isLang } from '../../lang.js';
import { passwordStep } from '../dialog.js';
import { html } from '../html.js';
import { csrfField, page } from '../layout.js';
import {
  LANG_COOKIE,
  langOf,
  originOf,
  safeLocalPath,
  seeOther,
  sendPage,
  takeFlash,
  textsOf,
} from '../request.js';
import { type DemoServices, refusalText } from '../services.js';

/** Where each site's log-on starts and where its customers land. */
export const SITE_PAGES: Record<Site, { start: string; home: string }> = {
  bank: { start: '/', home: '/account' },
  shop: { start: '/shop', home: '/shop' },
};

const logonBody = {
  type: 'object',
  required: ['userId', 'password', 'site'],
  properties: {
    userId: { type: 'string', maxLength: 100 },
    password: { type: 'string', maxLength: 200 },
    site: { type: 'string', enum: ['bank', 'shop'] },
  },
} as const;

/** The front page, the web shop, the password step, log-off and the language switch. */
export function logonRoutes(app: FastifyInstance, s: DemoServices): void {
  app.get('/', async (request, reply) => {
    if (request.session.userId !== undefined) return seeOther(reply, '/account');
    return frontPage(request, reply, {});
  });

  app.get('/shop', async (request, reply) => shopPage(request, reply, {}));

  app.post<{ Body: { userId: string; password: string; site: Site } }>(
    '/logon',
    { schema: { body: logonBody } },
    async (request, reply) => {
      const { userId, password, site } = request.body;
      try {
        const challenge = await s.bank.startLogon(
          site,
          userId,
          password,
          originOf(request, SITE_PAGES[site].start),
        );
        request.session.step = { kind: 'logon', site, challengeId: challenge.challengeId };
        return seeOther(reply, '/key');
      } catch (err) {
        const error = refusalText(err, langOf(request));
        const show = site === 'shop' ? shopPage : frontPage;
        return show(request, reply, { userId, error }, 401);
      }
    },
  );

  app.post('/logoff', async (request, reply) => {
    await request.session.destroy();
    return seeOther(reply, '/');
  });

  app.post('/shop/logoff', async (request, reply) => {
    request.session.shopPseudonym = undefined;
    return seeOther(reply, '/shop');
  });

  // A link, so the switch works without JavaScript; it changes nothing but the language.
  app.get<{ Params: { code: string }; Querystring: { next?: string } }>(
    '/lang/:code',
    async (request, reply) => {
      const { code } = request.params;
      if (!isLang(code)) return reply.callNotFound();
      reply.setCookie(LANG_COOKIE, code, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
      return seeOther(reply, safeLocalPath(request.query.next));
    },
  );
}

interface DialogState {
  userId?: string;
  error?: string;
}

function frontPage(request: FastifyRequest, reply: FastifyReply, d: DialogState, status = 200) {
  const t = textsOf(request);
  const csrf = reply.generateCsrf();
  const body = html`<div class="columns">
    <div class="intro">
      <h1>${t.welcomeTitle}</h1>
      <p>${t.welcomeText}</p>
      <aside class="demo-hint" aria-labelledby="demo-hint-title">
        <h2 id="demo-hint-title">${t.demoHintTitle}</h2>
        <p>${t.demoHint}</p>
      </aside>
    </div>
    ${passwordStep({ t, site: 'bank', csrf, ...d })}
  </div>`;
  const flash = takeFlash(request);
  return sendPage(reply, page({ t, title: t.welcomeTitle, path: '/', csrf, body, flash }), status);
}

function shopPage(request: FastifyRequest, reply: FastifyReply, d: DialogState, status = 200) {
  const t = textsOf(request);
  const csrf = reply.generateCsrf();
  const pseudonym = request.session.shopPseudonym;
  const body =
    pseudonym === undefined
      ? html`<h1>${t.shopTitle}</h1>
        <p>${t.shopIntro}</p>
        ${passwordStep({ t, site: 'shop', csrf, ...d })}
        <p><a href="/">${t.backToBank}</a></p>`
      : html`<h1>${t.shopTitle}</h1>
        <p>${t.shopIntro}</p>
        <p class="identity">${t.shopHello(pseudonym)}</p>
        <form method="post" action="/shop/logoff">${csrfField(csrf)}<button type="submit" class="secondary">${t.shopLogOff}</button></form>
        <p><a href="/">${t.backToBank}</a></p>`;
  const flash = takeFlash(request);
  return sendPage(
    reply,
    page({ t, title: t.shopTitle, path: '/shop', csrf, body, flash, brand: 'shop' }),
    status,
  );
}
