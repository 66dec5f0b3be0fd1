import type { FastifyInstance } from 'fastify';
import { parseTransfer, type TransferInput, transferText } from '../../outbox.js';
import { html } from '../html.js';
import { csrfField, page } from '../layout.js';
import { addFlash, langOf, originOf, seeOther, sendPage, takeFlash, textsOf } from '../request.js';
import { type DemoServices, refusalText } from '../services.js';
import { customerOf } from './guard.js';

const addBody = {
  type: 'object',
  required: ['regNo', 'accountNo', 'amount', 'message'],
  properties: {
    regNo: { type: 'string', maxLength: 10 },
    accountNo: { type: 'string', maxLength: 20 },
    amount: { type: 'string', maxLength: 20 },
    message: { type: 'string', maxLength: 100 },
  },
} as const;

const removeBody = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 40 } },
} as const;

/** KC-7: the outbox, whose transfers one key approves together. */
export function outboxRoutes(app: FastifyInstance, s: DemoServices): void {
  app.get('/outbox', async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    const t = textsOf(request);
    const csrf = reply.generateCsrf();
    const pending = s.outboxes.pending(userId);
    const sent = s.outboxes.sent(userId);
    const body = html`<h1>${t.outboxTitle}</h1>
      <p>${t.outboxIntro}</p>
      ${
        pending.length === 0
          ? html`<p>${t.outboxEmpty}</p>`
          : html`<ul class="transfers">
          ${pending.map(
            (tr) => html`<li><span class="transfer-text">${transferText(tr)}</span>
              <form method="post" action="/outbox/remove" class="inline">${csrfField(csrf)}
                <input type="hidden" name="id" value="${tr.id}">
                <button type="submit" class="link-button" aria-label="${t.remove(transferText(tr))}">${t.removeShort}</button>
              </form></li>`,
          )}
          </ul>
          <form method="post" action="/outbox/approve">${csrfField(csrf)}
            <button type="submit" class="primary">${t.approveAll(pending.length)}</button>
          </form>`
      }
      <h2 id="add-title">${t.addTransfer}</h2>
      <form method="post" action="/outbox/add" class="stacked" aria-labelledby="add-title">${csrfField(csrf)}
        <div class="field"><label for="regNo">${t.regNo}</label>
          <input id="regNo" name="regNo" inputmode="numeric" pattern="[0-9]{4}" maxlength="4" required></div>
        <div class="field"><label for="accountNo">${t.accountNo}</label>
          <input id="accountNo" name="accountNo" inputmode="numeric" pattern="[0-9]{1,10}" maxlength="10" required></div>
        <div class="field"><label for="amount">${t.amount}</label>
          <input id="amount" name="amount" inputmode="decimal" maxlength="11" required></div>
        <div class="field"><label for="message">${t.message}</label>
          <input id="message" name="message" maxlength="40" required></div>
        <button type="submit" class="secondary">${t.add}</button>
      </form>
      ${
        sent.length === 0
          ? ''
          : html`<h2>${t.sentTitle}</h2><ul class="transfers sent">${sent.map((tr) => html`<li>${transferText(tr)}</li>`)}</ul>`
      }`;
    const flash = takeFlash(request);
    return sendPage(
      reply,
      page({ t, title: t.outboxTitle, path: '/outbox', csrf, body, flash, nav: 'outbox' }),
    );
  });

  app.post<{ Body: TransferInput }>('/outbox/add', { schema: { body: addBody } }, async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    const t = textsOf(request);
    const transfer = parseTransfer(request.body);
    if (transfer === null) addFlash(request, 'error', t.badTransfer);
    else if (!s.outboxes.add(userId, transfer)) addFlash(request, 'error', t.outboxFull);
    return seeOther(reply, '/outbox');
  });

  app.post<{ Body: { id: string } }>(
    '/outbox/remove',
    { schema: { body: removeBody } },
    async (request, reply) => {
      const userId = customerOf(request, reply);
      if (userId === null) return reply;
      s.outboxes.remove(userId, request.body.id);
      return seeOther(reply, '/outbox');
    },
  );

  // One challenge for the whole batch: the key approves exactly these texts (KC-7).
  app.post('/outbox/approve', async (request, reply) => {
    const userId = customerOf(request, reply);
    if (userId === null) return reply;
    const pending = s.outboxes.pending(userId);
    if (pending.length === 0) return seeOther(reply, '/outbox');
    const transactions = pending.map(transferText);
    try {
      const challenge = await s.bank.startSigning(userId, transactions, originOf(request, '/outbox'));
      request.session.step = {
        kind: 'sign',
        challengeId: challenge.challengeId,
        transactions,
        transferIds: pending.map((tr) => tr.id),
      };
      return seeOther(reply, '/key');
    } catch (err) {
      addFlash(request, 'error', refusalText(err, langOf(request)));
      return seeOther(reply, '/outbox');
    }
  });
}
