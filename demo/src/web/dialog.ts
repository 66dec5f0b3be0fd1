import type { ChallengeView } from '@nemid-sim/server-verifier';
import { SITES, type Site } from '../bank-nemid.js';
import { type Html, html } from './html.js';
import { csrfField } from './layout.js';
import type { KeyStep } from './session.js';
import type { Texts } from './texts.js';

/**
 * The NemID log-on dialog inside the bank's page, in our own markup: the password step, then the
 * key step (card number above the field, KC-2; "Skift til nøgleviser", T-7; "Ring mig op", A-2).
 * Plain forms: everything works without JavaScript.
 */
export function passwordStep(o: {
  t: Texts;
  site: Site;
  csrf: string;
  userId?: string;
  error?: string;
}): Html {
  const { t } = o;
  const errorId = 'logon-error';
  return frame(
    t,
    t.logOnTo(SITES[o.site].name),
    html`
    ${o.error === undefined ? '' : html`<p class="message error" id="${errorId}" role="alert">${o.error}</p>`}
    <form method="post" action="/logon" class="dialog-form">
      ${csrfField(o.csrf)}
      <input type="hidden" name="site" value="${o.site}">
      <div class="field">
        <label for="userId">${t.userId}</label>
        <p class="hint" id="userId-hint">${t.userIdHint}</p>
        <input id="userId" name="userId" type="text" autocomplete="username" autocapitalize="none" spellcheck="false"
          required maxlength="100" value="${o.userId ?? ''}" aria-describedby="userId-hint${o.error === undefined ? '' : ` ${errorId}`}" autofocus>
      </div>
      <div class="field">
        <label for="password">${t.password}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
      </div>
      <button type="submit" class="primary">${t.next}</button>
    </form>`,
  );
}

export interface KeyStepView {
  readonly t: Texts;
  readonly step: KeyStep;
  readonly challenge: ChallengeView;
  readonly csrf: string;
  /** Voice Response is set up (espeak-ng found). */
  readonly voice: boolean;
  /** A-2: the call placed for this key, to play. */
  readonly recording?: { readonly url: string; readonly phoneEnd: string };
}

export function keyStep(v: KeyStepView): Html {
  const { t, challenge: c } = v;
  return frame(
    t,
    purpose(t, v.step),
    html`
    ${v.step.kind === 'sign' ? html`<ol class="batch">${v.step.transactions.map((x) => html`<li>${x}</li>`)}</ol>` : ''}
    ${c.factor === 'card' ? cardForm(v, c.cardNumber, c.keyNumber) : tokenForm(v, c.tokenSerial, c.activation)}
    ${c.factor === 'card' && c.canSwitchToToken ? switchForm(v) : ''}
    ${c.factor === 'card' ? voiceResponse(v) : ''}
    <form method="post" action="/key/cancel" class="cancel">${csrfField(v.csrf)}<button type="submit" class="secondary">${t.cancel}</button></form>`,
  );
}

function purpose(t: Texts, step: KeyStep): string {
  if (step.kind === 'logon') return t.purposeLogon(SITES[step.site].name);
  if (step.kind === 'sign') return t.purposeSign(step.transactions.length);
  return t.purposeTokenBlock;
}

function cardForm(v: KeyStepView, cardNumber: string, keyNumber: string): Html {
  const { t } = v;
  return answerForm(
    v,
    html`${t.keyCard} <strong>${cardNumber}</strong>`,
    t.keyNumberAsked(keyNumber),
    t.keyHint,
    6,
  );
}

function tokenForm(v: KeyStepView, serial: string, activation: boolean): Html {
  const { t } = v;
  const hint = html`${t.codeHint}${activation ? html` <strong>${t.activationNote}</strong>` : ''}`;
  return answerForm(v, html`${t.keyDisplay} <strong>${serial}</strong>`, t.codeLabel, hint, 9);
}

/** The field for the key or code, with what it is for above it (KC-2: the card number). */
function answerForm(
  v: KeyStepView,
  above: Html,
  label: string,
  hint: Html | string,
  maxDigits: number,
): Html {
  return html`<form method="post" action="/key" class="dialog-form">
      ${csrfField(v.csrf)}
      <p class="card-number">${above}</p>
      <div class="field">
        <label for="key">${label}</label>
        <p class="hint" id="key-hint">${hint}</p>
        <input id="key" name="key" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6,${maxDigits}}"
          maxlength="${maxDigits}" required aria-describedby="key-hint" autofocus class="key-input">
      </div>
      <button type="submit" class="primary">${v.t.next}</button>
    </form>`;
}

function switchForm(v: KeyStepView): Html {
  return html`<form method="post" action="/key/switch" class="switch">
      ${csrfField(v.csrf)}
      <p>${v.t.switchExplained}</p>
      <button type="submit" class="link-button">${v.t.switchToKeyDisplay}</button>
    </form>`;
}

function voiceResponse(v: KeyStepView): Html {
  const { t } = v;
  if (!v.voice) return html`<p class="hint voice">${t.callUnavailable}</p>`;
  if (v.recording !== undefined) {
    return html`<div class="voice">
      <p id="call-text">${t.calling(v.recording.phoneEnd)}</p>
      <audio controls autoplay src="${v.recording.url}" aria-describedby="call-text" title="${t.recordingLabel}"></audio>
    </div>`;
  }
  return html`<form method="post" action="/key/call" class="voice">
      ${csrfField(v.csrf)}
      <p>${t.callMeExplained}</p>
      <button type="submit" class="secondary">${t.callMe}</button>
    </form>`;
}

function frame(t: Texts, heading: string, body: Html): Html {
  return html`<section class="nemid" aria-labelledby="nemid-title">
    <div class="nemid-head"><span class="nemid-logo" aria-hidden="true">NemID</span></div>
    <div class="nemid-body">
      <h2 id="nemid-title"><span class="visually-hidden">${t.nemid}: </span>${heading}</h2>
      ${body}
    </div>
  </section>`;
}
