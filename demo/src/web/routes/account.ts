import type { CardView, TokenView } from '@nemid-sim/server-verifier';
import type { FastifyInstance } from 'fastify';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { sendPage, takeFlash, textsOf } from '../request.js';
import type { DemoServices } from '../services.js';
import type { Texts } from '../texts.js';
import { customerOf } from './guard.js';

/** The overview after log-on: who the bank knows the customer as (S-3), the cards and key display. */
export function accountRoutes(app: FastifyInstance, s: DemoServices): void {
  app.get('/account', async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    const t = textsOf(request);
    const csrf = reply.generateCsrf();
    const { user, cards, token } = await s.bank.overview(userId);
    const cpr = request.session.cpr;
    const body = html`<h1>${t.hello(user.name)}</h1>
      ${cpr ? html`<p class="identity">${t.identityBank(cpr)}</p>` : ''}
      <h2>${t.yourNemId}</h2>
      <dl class="facts">
        <dt>${t.nemIdNumber}</dt><dd>${user.nemIdNumber}</dd>
        <dt>${t.alias}</dt><dd>${user.alias ?? t.none}</dd>
        <dt>${t.tokenTitle}</dt><dd>${token === null ? t.none : tokenLine(t, token)}</dd>
      </dl>
      <h2>${t.cardsTitle}</h2>
      ${cardTable(t, cards)}`;
    const flash = takeFlash(request);
    return sendPage(
      reply,
      page({ t, title: t.accountTitle, path: '/account', csrf, body, flash, nav: 'account' }),
    );
  });
}

export function tokenLine(t: Texts, token: TokenView): string {
  return `${token.tokenSerial} (${t.tokenStates[token.state]})`;
}

/** The customer's cards, each usable one with its PDF to download (the printed card, KC-5). */
export function cardTable(t: Texts, cards: readonly CardView[], actions?: (c: CardView) => Html): Html {
  return html`<table class="cards">
    <thead><tr><th scope="col">${t.cardNumber}</th><th scope="col">${t.cardStatus}</th><th scope="col">${t.keysLeft}</th><th scope="col"><span class="visually-hidden">PDF</span></th>${actions ? html`<th scope="col"><span class="visually-hidden">${t.blockCardTitle}</span></th>` : ''}</tr></thead>
    <tbody>${cards.map(
      (c) => html`<tr>
        <th scope="row">${c.cardNumber}</th>
        <td>${t.cardStatuses[c.status]}${c.current ? html` (${t.current})` : ''}</td>
        <td>${c.keysLeft}</td>
        <td>${c.status === 'active' ? html`<a href="/cards/${c.cardNumber}.pdf" download>${t.downloadCard(c.cardNumber)}</a>` : ''}</td>
        ${actions ? html`<td>${actions(c)}</td>` : ''}
      </tr>`,
    )}</tbody>
  </table>`;
}
