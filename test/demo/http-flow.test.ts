/**
 * Demo Netbank through its HTTP, as a user without a browser (or without JavaScript) uses it: log on
 * with a key read off the printed card, switch to the key display and activate it, sign three
 * transfers with one key, read the log, block the card and be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  askedKeyNumber,
  enterPassword,
  keysFromPdf,
  keysFromText,
  pressKeyDisplay,
  startTestDemo,
  type TestDemo,
  textOf,
  WebUser,
} from './helpers.js';

let t: TestDemo;
let cardKeys: Map<string, string>;

beforeAll(async () => {
  t = await startTestDemo('http-flow');
  cardKeys = keysFromText(t.demo.card!.text);
});
afterAll(() => t.stop());

describe('the whole flow, one user', () => {
  const user = () => new WebUser(t.demo);
  let me: WebUser;

  it('the front page holds the dialog; the session cookie is HttpOnly and SameSite=Strict', async () => {
    me = user();
    const front = await me.get('/');
    expect(front.status).toBe(200);
    expect(textOf(front.html)).toContain('Log på Demo Netbank');
    expect(String(front.headers['set-cookie'])).toMatch(/netbank_session=[^;]+;.*HttpOnly; SameSite=Strict/);
    expect(String(front.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });

  it('the key step shows the card number above the field and the key number asked for (KC-2)', async () => {
    const keyPage = await enterPassword(me, t.demo);
    expect(keyPage.path).toBe('/key');
    const text = textOf(keyPage.html);
    const serial = t.demo.card!.serial;
    expect(text).toMatch(new RegExp(`Nøglekort ${serial} Indtast nøglen til nøgle nr\\. \\d{4}`));
    expect(keyPage.html.indexOf(serial)).toBeLessThan(keyPage.html.indexOf('id="key"'));
    expect(text).toContain('Skift til nøgleviser');
  });

  it('a key read from the text of the card PDF logs on; the bank is told the CPR number (S-3)', async () => {
    const pdfKeys = await keysFromPdf(t.demo.card!.pdf);
    expect(pdfKeys.size).toBe(148);
    expect(pdfKeys).toEqual(cardKeys);
    const account = await me.post('/key', { key: pdfKeys.get(askedKeyNumber(me.last.html))! });
    expect(account.path).toBe('/account');
    const text = textOf(account.html);
    expect(text).toContain('Goddag, Karen Jensen');
    expect(text).toContain('kender dig som 010190-1234');
    expect(text).toContain('bestilt, ikke aktiveret');
  });

  it('the outbox: three transfers, one key; "Skift til nøgleviser" activates the key display (T-7, KC-7)', async () => {
    const outbox = await me.get('/outbox');
    expect(outbox.html.match(/class="transfer-text"/g)).toHaveLength(3);
    const keyPage = await me.post('/outbox/approve');
    expect(keyPage.path).toBe('/key');
    expect(textOf(keyPage.html)).toContain('Godkend 3 overførsler med én nøgle');
    expect(keyPage.html.match(/<ol class="batch">[\s\S]*?<\/ol>/)?.[0].match(/<li>/g)).toHaveLength(3);

    const tokenPage = await me.post('/key/switch');
    const text = textOf(tokenPage.html);
    expect(text).toContain(`Nøgleviser ${t.demo.token!.tokenSerial}`);
    expect(text).toContain('den første gyldige kode aktiverer din nøgleviser');
    expect(text).not.toContain('Skift til nøgleviser');

    const done = await me.post('/key', { key: pressKeyDisplay(t.demo.paths.device) });
    expect(done.path).toBe('/outbox');
    const after = textOf(done.html);
    expect(after).toContain('Din nøgleviser er nu aktiveret');
    expect(after).toContain('3 overførsler er godkendt og sendt med én nøgle');
    expect(after).toContain('Udbakken er tom');
  });

  it('after activation the key step asks for the key display, not the card', async () => {
    await me.post('/outbox/add', { regNo: '1234', accountNo: '5678901', amount: '125,50', message: 'Gave' });
    const keyPage = await me.post('/outbox/approve');
    expect(textOf(keyPage.html)).toContain('Kode fra nøgleviseren');
    expect(textOf(keyPage.html)).not.toContain('Nøglekort');
    const done = await me.post('/key', { key: pressKeyDisplay(t.demo.paths.device) });
    expect(textOf(done.html)).toContain('1 overførsel er godkendt og sendt med én nøgle');
    expect(textOf(done.html)).toContain('Reg. 1234 konto 0005678901 · 125,50 kr. · Gave');
  });

  it('the log shows each step with time, IP address and outcome (S-1)', async () => {
    const log = textOf((await me.get('/log')).html);
    for (const line of [
      'adgangskode tastet adgangskode OK',
      'log-på nøglekort OK',
      'skiftet til nøgleviser nøgleviser OK',
      'godkendelse nøgleviser OK',
    ]) {
      expect(log).toContain(line);
    }
    expect(log).toContain('127.0.0.1');
    expect(log).toContain('Demo Netbank');
  });

  it('blocking the card is at once; then a step that needs the card is refused (KC-5, T-3)', async () => {
    const serial = t.demo.card!.serial;
    const blocked = await me.post('/self-service/block-card', { card: serial });
    expect(textOf(blocked.html)).toContain(`Nøglekort ${serial} er spærret`);
    expect(textOf(blocked.html)).toMatch(new RegExp(`${serial} spærret`));
    const refused = await me.post('/self-service/block-token');
    expect(refused.path).toBe('/self-service');
    expect(textOf(refused.html)).toContain(
      'Du har ingen nøgler tilbage og intet nyt nøglekort. Bestil et nyt nøglekort. (AUTH006)',
    );
  });

  it("a new card is printed at once; its PDF is the owner's to download, and its keys work", async () => {
    const ordered = await me.post('/self-service/order-card');
    const serial = /Dit nye nøglekort ([A-Z]\d{3}-\d{3}-\d{3}) er klar/.exec(textOf(ordered.html))?.[1];
    expect(serial).toBeDefined();
    const pdf = await me.fetch(`/cards/${serial}.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Someone else (no session) gets nothing.
    const stranger = await new WebUser(t.demo).fetch(`/cards/${serial}.pdf`);
    expect([stranger.statusCode, stranger.headers.location]).toEqual([303, '/']);
    // T-8 with the new card: the key display is blocked with a key from it.
    const keys = keysFromText(`${t.demo.paths.cards}/${serial}.txt`);
    const keyPage = await me.post('/self-service/block-token');
    expect(textOf(keyPage.html)).toContain(`Nøglekort ${serial}`);
    const done = await me.post('/key', { key: keys.get(askedKeyNumber(keyPage.html))! });
    expect(textOf(done.html)).toContain('Din nøgleviser er spærret');
  });

  it('logs off', async () => {
    const front = await me.post('/logoff');
    expect(front.path).toBe('/');
    expect((await me.get('/account')).path).toBe('/');
  });
});

describe('refusals explained by DanID codes', () => {
  it('a wrong password, and a wrong key, say what happened; the user id is kept and escaped', async () => {
    const user = new WebUser(t.demo);
    await user.get('/');
    const wrong = await user.post('/logon', {
      userId: '<b>999999999</b>',
      password: 'nope12x',
      site: 'bank',
    });
    expect(wrong.status).toBe(401);
    expect(textOf(wrong.html)).toContain('Forkert bruger-id eller adgangskode. (AUTH001)');
    expect(wrong.html).toContain('value="&lt;b&gt;999999999&lt;/b&gt;"');
    expect(wrong.html).not.toContain('<b>999999999');

    const keyPage = await enterPassword(user, t.demo, t.demo.state.cpr);
    const asked = askedKeyNumber(keyPage.html);
    const otherKey = [...cardKeys].find(([n]) => n !== asked)![1];
    const refused = await user.post('/key', { key: otherKey });
    expect(refused.path).toBe('/');
    expect(textOf(refused.html)).toContain(
      'Forkert nøgle. Tjek kortnummeret og nøglenummeret, og prøv igen. (AUTH002)',
    );
  });

  it('a form without its CSRF token is refused', async () => {
    const response = await t.demo.app.inject({
      method: 'POST',
      url: '/logon',
      payload: 'userId=1&password=2&site=bank',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('text/html');
  });

  it('the English switch changes the dialog and the error texts, and only leads to local pages', async () => {
    const user = new WebUser(t.demo);
    const english = await user.get('/lang/en?next=/');
    expect(textOf(english.html)).toContain('Log on to Demo Netbank');
    const wrong = await user.post('/logon', { userId: '123456789', password: 'nope12x', site: 'bank' });
    expect(textOf(wrong.html)).toContain('Wrong user id or password. (AUTH001)');
    const away = await t.demo.app.inject({ url: '/lang/da?next=//evil.example/' });
    expect(away.headers.location).toBe('/');
  });
});
