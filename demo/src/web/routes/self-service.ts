import { createReadStream, existsSync } from 'node:fs';
import { isVerifierError } from '@nemid-sim/server-verifier';
import type { FastifyInstance } from 'fastify';
import { cardFiles } from '../../card-printer.js';
import { errorText, passwordProblemText } from '../error-texts.js';
import { html } from '../html.js';
import { csrfField, page } from '../layout.js';
import { addFlash, langOf, originOf, seeOther, sendPage, takeFlash, textsOf } from '../request.js';
import { type DemoServices, refusalText } from '../services.js';
import { cardTable } from './account.js';
import { customerOf } from './guard.js';

const cardBody = {
  type: 'object',
  required: ['card'],
  properties: { card: { type: 'string', maxLength: 20 } },
} as const;
const passwordBody = {
  type: 'object',
  required: ['password', 'repeat'],
  properties: { password: { type: 'string', maxLength: 200 }, repeat: { type: 'string', maxLength: 200 } },
} as const;
const aliasBody = {
  type: 'object',
  required: ['alias'],
  properties: { alias: { type: 'string', maxLength: 100 } },
} as const;

const CARD_FILE = /^([A-Z]\d{3}-\d{3}-\d{3})\.pdf$/;

/** Self-service: block a card and order a new one (KC-5), a 4-digit PIN (ID-4), an alias (ID-2), T-8. */
export function selfServiceRoutes(app: FastifyInstance, s: DemoServices): void {
  app.get('/self-service', async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    const t = textsOf(request);
    const csrf = reply.generateCsrf();
    const { user, cards, token } = await s.bank.overview(userId);
    const blockButton = (c: (typeof cards)[number]) =>
      c.status === 'active'
        ? html`<form method="post" action="/self-service/block-card" class="inline">${csrfField(csrf)}
            <input type="hidden" name="card" value="${c.cardNumber}">
            <button type="submit" class="danger">${t.blockCard(c.cardNumber)}</button></form>`
        : html``;
    const tokenUsable = token !== null && (token.state === 'active' || token.state === 'assigned');
    const body = html`<h1>${t.selfServiceTitle}</h1>
      <section aria-labelledby="cards-title">
        <h2 id="cards-title">${t.blockCardTitle}</h2>
        <p>${t.blockCardText}</p>
        ${cardTable(t, cards, blockButton)}
      </section>
      <section aria-labelledby="order-title">
        <h2 id="order-title">${t.orderCardTitle}</h2>
        <p>${t.orderCardText}</p>
        <form method="post" action="/self-service/order-card">${csrfField(csrf)}
          <button type="submit" class="secondary">${t.orderCard}</button></form>
      </section>
      ${
        tokenUsable
          ? html`<section aria-labelledby="token-title">
        <h2 id="token-title">${t.blockTokenTitle}</h2>
        <p>${t.blockTokenText}</p>
        <form method="post" action="/self-service/block-token">${csrfField(csrf)}
          <button type="submit" class="danger">${t.blockToken}</button></form>
      </section>`
          : ''
      }
      <section aria-labelledby="password-title" id="password">
        <h2 id="password-title">${t.passwordTitle}</h2>
        <p id="password-rules">${t.passwordText}</p>
        <form method="post" action="/self-service/password" class="stacked">${csrfField(csrf)}
          <div class="field"><label for="new-password">${t.newPassword}</label>
            <input id="new-password" name="password" type="password" autocomplete="new-password" required maxlength="40" aria-describedby="password-rules"></div>
          <div class="field"><label for="repeat-password">${t.repeatPassword}</label>
            <input id="repeat-password" name="repeat" type="password" autocomplete="new-password" required maxlength="40"></div>
          <button type="submit" class="secondary">${t.changePassword}</button>
        </form>
      </section>
      <section aria-labelledby="alias-title">
        <h2 id="alias-title">${t.aliasTitle}</h2>
        <p id="alias-rules">${t.aliasText}</p>
        <form method="post" action="/self-service/alias" class="stacked">${csrfField(csrf)}
          <div class="field"><label for="alias">${t.newAlias}</label>
            <input id="alias" name="alias" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="40" value="${user.alias ?? ''}" aria-describedby="alias-rules"></div>
          <button type="submit" class="secondary">${t.setAlias}</button>
        </form>
      </section>`;
    const flash = takeFlash(request);
    return sendPage(
      reply,
      page({ t, title: t.selfServiceTitle, path: '/self-service', csrf, body, flash, nav: 'self-service' }),
    );
  });

  app.post<{ Body: { card: string } }>(
    '/self-service/block-card',
    { schema: { body: cardBody } },
    async (request, reply) => {
      const userId = customerOf(request, reply);
      if (userId === null) return reply;
      const t = textsOf(request);
      const card = request.body.card;
      if (await s.bank.blockOwnCard(userId, card)) addFlash(request, 'ok', t.cardBlocked(card));
      else addFlash(request, 'error', errorText('NOT_FOUND', undefined, langOf(request)));
      return seeOther(reply, '/self-service');
    },
  );

  app.post('/self-service/order-card', async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    const t = textsOf(request);
    try {
      await s.bank.orderCard(userId);
    } catch (err) {
      addFlash(request, 'error', refusalText(err, langOf(request)));
      return seeOther(reply, '/self-service');
    }
    const printed = await s.cardDesk.lastOrder(userId);
    if (printed === undefined || printed instanceof Error) {
      const refused = printed instanceof Error && isVerifierError(printed);
      addFlash(request, 'error', refused ? refusalText(printed, langOf(request)) : t.cardOrderFailed);
    } else addFlash(request, 'ok', t.cardOrdered(printed.serial));
    return seeOther(reply, '/self-service');
  });

  app.post('/self-service/block-token', async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    try {
      const challenge = await s.bank.startKeyDisplayBlock(userId, originOf(request, '/self-service'));
      request.session.step = { kind: 'token-block', challengeId: challenge.challengeId };
      return seeOther(reply, '/key');
    } catch (err) {
      addFlash(request, 'error', refusalText(err, langOf(request)));
      return seeOther(reply, '/self-service');
    }
  });

  app.post<{ Body: { password: string; repeat: string } }>(
    '/self-service/password',
    { schema: { body: passwordBody } },
    async (request, reply) => {
      const userId = customerOf(request, reply);
      if (userId === null) return reply;
      const t = textsOf(request);
      const lang = langOf(request);
      const { password, repeat } = request.body;
      if (password !== repeat) {
        addFlash(request, 'error', t.passwordsDiffer);
        return seeOther(reply, '/self-service#password');
      }
      try {
        await s.bank.changePassword(userId, password);
        addFlash(request, 'ok', t.passwordChanged);
      } catch (err) {
        const problem = isVerifierError(err, 'INVALID_INPUT') ? err.detail : undefined;
        addFlash(request, 'error', problem ? passwordProblemText(problem, lang) : refusalText(err, lang));
      }
      return seeOther(reply, '/self-service#password');
    },
  );

  app.post<{ Body: { alias: string } }>(
    '/self-service/alias',
    { schema: { body: aliasBody } },
    async (request, reply) => {
      const userId = customerOf(request, reply);
      if (userId === null) return reply;
      const t = textsOf(request);
      const wanted = request.body.alias.trim();
      try {
        const alias = await s.bank.setAlias(userId, wanted === '' ? null : wanted);
        addFlash(request, 'ok', alias === null ? t.aliasRemoved : t.aliasSet(alias));
      } catch (err) {
        if (isVerifierError(err, 'INVALID_INPUT')) addFlash(request, 'error', t.aliasBad);
        else if (isVerifierError(err, 'CONFLICT')) addFlash(request, 'error', t.aliasTaken);
        else addFlash(request, 'error', refusalText(err, langOf(request)));
      }
      return seeOther(reply, '/self-service');
    },
  );

  // The printed card, for its owner only.
  app.get<{ Params: { file: string } }>('/cards/:file', async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    const serial = CARD_FILE.exec(request.params.file)?.[1];
    const cards = serial === undefined ? [] : await s.bank.listCards(userId);
    if (serial === undefined || !cards.some((c) => c.cardNumber === serial)) return reply.callNotFound();
    const pdf = cardFiles(s.cardsDir, serial).pdf;
    if (!existsSync(pdf)) return reply.callNotFound();
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="nemid-${serial}.pdf"`)
      .type('application/pdf')
      .send(createReadStream(pdf));
  });
}
