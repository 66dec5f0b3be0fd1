import { formatCpr, isVerifierError } from '@nemid-sim/server-verifier';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { keyStep } from '../dialog.js';
import { errorText } from '../error-texts.js';
import { page } from '../layout.js';
import { addFlash, langOf, seeOther, sendPage, takeFlash, textsOf } from '../request.js';
import { type DemoServices, refusalText } from '../services.js';
import type { KeyStep } from '../session.js';
import { SITE_PAGES } from './logon.js';

const keyBody = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string', maxLength: 20 } },
} as const;

/** Where the user goes back to when the key step ends, whichever way. */
function backFrom(step: KeyStep): string {
  if (step.kind === 'logon') return SITE_PAGES[step.site].start;
  return step.kind === 'sign' ? '/outbox' : '/self-service';
}

/**
 * The key step of the dialog, shared by log-on, the outbox (KC-7) and blocking the key display
 * (T-8): show the key asked for, take the answer, switch to the key display (T-7), call the user
 * (A-2).
 */
export function keyStepRoutes(app: FastifyInstance, s: DemoServices): void {
  app.get('/key', async (request, reply) => {
    const step = request.session.step;
    if (step === undefined) return noStep(request, reply);
    const challenge = await s.bank.challenge(step.challengeId);
    if (challenge === null)
      return endStep(request, reply, step, errorText('AUTH003', undefined, langOf(request)));
    const t = textsOf(request);
    const csrf = reply.generateCsrf();
    const recorded = step.recording === undefined ? undefined : s.voice?.recording(step.recording);
    const body = keyStep({
      t,
      step,
      challenge,
      csrf,
      voice: s.voice !== null,
      recording:
        recorded === undefined
          ? undefined
          : { url: `/voice/${step.recording}.wav`, phoneEnd: recorded.phoneEnd },
    });
    const nav = step.kind === 'logon' ? 'none' : step.kind === 'sign' ? 'outbox' : 'self-service';
    const brand = step.kind === 'logon' && step.site === 'shop' ? 'shop' : 'bank';
    const flash = takeFlash(request);
    return sendPage(reply, page({ t, title: t.nemid, path: '/key', csrf, body, flash, nav, brand }));
  });

  app.post<{ Body: { key: string } }>('/key', { schema: { body: keyBody } }, async (request, reply) => {
    const step = request.session.step;
    if (step === undefined) return noStep(request, reply);
    const key = request.body.key.replace(/\s/g, '');
    const lang = langOf(request);
    const t = textsOf(request);
    try {
      if (step.kind === 'logon') {
        const result = await s.bank.completeLogon(step.challengeId, key);
        // A new session id at log-on, so an id planted before cannot ride along.
        await request.session.regenerate(['shopPseudonym', 'userId', 'cpr']);
        if (step.site === 'bank') {
          request.session.userId = result.userId;
          request.session.cpr = result.identity.kind === 'cpr' ? formatCpr(result.identity.cpr) : null;
        } else {
          // What the verifier lets the shop know (S-3): a pseudonym, as it is not approved for CPR.
          request.session.shopPseudonym =
            result.identity.kind === 'pseudonym' ? result.identity.pseudonym : formatCpr(result.identity.cpr);
        }
        if (result.tokenActivated) addFlash(request, 'ok', t.activated);
        if (result.mustChangePassword && step.site === 'bank') {
          addFlash(request, 'error', t.mustChangePassword);
          return seeOther(reply, '/self-service#password');
        }
        return seeOther(reply, SITE_PAGES[step.site].home);
      }
      if (step.kind === 'sign') {
        const userId = request.session.userId;
        if (userId === undefined) return noStep(request, reply);
        const result = await s.bank.completeSigning(step.challengeId, key, step.transactions);
        request.session.step = undefined;
        const sent = s.outboxes.markSent(userId, step.transferIds);
        if (result.tokenActivated) addFlash(request, 'ok', t.activated);
        addFlash(request, 'ok', t.sent(sent.length));
        return seeOther(reply, '/outbox');
      }
      await s.bank.completeKeyDisplayBlock(step.challengeId, key);
      request.session.step = undefined;
      addFlash(request, 'ok', t.tokenBlocked);
      return seeOther(reply, '/self-service');
    } catch (err) {
      // AUTH011: the key display's clock or counter is far off; its next code finishes the step.
      if (isVerifierError(err, 'AUTH011') && err.retry !== undefined) {
        step.challengeId = err.retry.challengeId;
        request.session.step = step;
        addFlash(request, 'error', refusalText(err, lang));
        return seeOther(reply, '/key');
      }
      // Any other answer used the challenge up: the step starts again from its beginning.
      return endStep(request, reply, step, refusalText(err, lang));
    }
  });

  app.post('/key/switch', async (request, reply) => {
    const step = request.session.step;
    if (step === undefined) return noStep(request, reply);
    try {
      const next = await s.bank.switchToKeyDisplay(step.challengeId);
      step.challengeId = next.challengeId;
      step.recording = undefined;
      request.session.step = step;
      return seeOther(reply, '/key');
    } catch (err) {
      return endStep(request, reply, step, refusalText(err, langOf(request)));
    }
  });

  app.post('/key/call', async (request, reply) => {
    const step = request.session.step;
    const voice = s.voice;
    if (step === undefined) return noStep(request, reply);
    if (voice === null) {
      addFlash(request, 'error', textsOf(request).callUnavailable);
      return seeOther(reply, '/key');
    }
    const challenge = await s.bank.challenge(step.challengeId);
    if (challenge === null || challenge.factor !== 'card') return seeOther(reply, '/key');
    try {
      step.recording = await voice.call(challenge.cardNumber, challenge.keyNumber, langOf(request), () =>
        s.bank.phoneKey(step.challengeId),
      );
      request.session.step = step;
    } catch (err) {
      if (!isVerifierError(err)) {
        s.log(`Voice Response failed: ${err instanceof Error ? err.message : String(err)}`);
        addFlash(request, 'error', textsOf(request).tryAgain);
      } else addFlash(request, 'error', refusalText(err, langOf(request)));
    }
    return seeOther(reply, '/key');
  });

  app.post('/key/cancel', async (request, reply) => {
    const step = request.session.step;
    request.session.step = undefined;
    return seeOther(reply, step === undefined ? '/' : backFrom(step));
  });

  // The recording of a call, for the session that asked for it only; never cached.
  app.get<{ Params: { file: string } }>('/voice/:file', async (request, reply) => {
    const id = /^([\w-]{1,40})\.wav$/.exec(request.params.file)?.[1];
    const recording = id === undefined ? undefined : s.voice?.recording(id);
    if (recording === undefined || request.session.step?.recording !== id) return reply.callNotFound();
    return reply.header('cache-control', 'no-store').type('audio/wav').send(recording.wav);
  });
}

function noStep(request: FastifyRequest, reply: FastifyReply) {
  addFlash(request, 'error', textsOf(request).noKeyStep);
  return seeOther(reply, request.session.userId === undefined ? '/' : '/account');
}

function endStep(request: FastifyRequest, reply: FastifyReply, step: KeyStep, message: string) {
  request.session.step = undefined;
  addFlash(request, 'error', message);
  return seeOther(reply, backFrom(step));
}
