/**
 * Self-service and privacy in Demo Netbank: a 4-digit PIN (ID-4), an own user id (ID-2), the
 * site-logging opt-in (S-1), what a non-bank site learns (S-3), and a blocked only card (KC-5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askedKeyNumber, keysFromText, startTestDemo, type TestDemo, textOf, WebUser } from './helpers.js';

let t: TestDemo;
let keys: Map<string, string>;

beforeAll(async () => {
  t = await startTestDemo('self-service');
  keys = keysFromText(t.demo.card!.text);
});
afterAll(() => t.stop());

async function logOn(user: WebUser, loginId: string, password: string, site: 'bank' | 'shop' = 'bank') {
  await user.get(site === 'bank' ? '/' : '/shop');
  const keyPage = await user.post('/logon', { userId: loginId, password, site });
  if (keyPage.path !== '/key') return keyPage;
  return user.post('/key', { key: keys.get(askedKeyNumber(keyPage.html))! });
}

describe('self-service', () => {
  const me = () => new WebUser(t.demo);

  it('ID-4: a 4-digit PIN within the rules replaces the password and logs on', async () => {
    const user = me();
    expect((await logOn(user, t.demo.state.nemIdNumber, t.demo.state.password)).path).toBe('/account');
    await user.get('/self-service');
    const run = await user.post('/self-service/password', { password: '1234', repeat: '1234' });
    expect(textOf(run.html)).toContain('En 4-cifret kode må ikke være en række som 1234.');
    const cpr = await user.post('/self-service/password', { password: '0101', repeat: '0101' });
    expect(textOf(cpr.html)).toContain('En 4-cifret kode må ikke være en del af dit CPR-nummer.');
    const differ = await user.post('/self-service/password', { password: '4711', repeat: '4712' });
    expect(textOf(differ.html)).toContain('De to adgangskoder er ikke ens.');
    const ok = await user.post('/self-service/password', { password: '4711', repeat: '4711' });
    expect(textOf(ok.html)).toContain('Din adgangskode er skiftet');
    await user.post('/logoff');
    expect((await logOn(me(), t.demo.state.nemIdNumber, t.demo.state.password)).status).toBe(401);
    expect((await logOn(me(), t.demo.state.nemIdNumber, '4711')).path).toBe('/account');
  });

  it('ID-2: an own user id, refused when it breaks the rules, then used to log on', async () => {
    const user = me();
    await logOn(user, t.demo.state.cpr, '4711');
    await user.get('/self-service');
    const bad = await user.post('/self-service/alias', { alias: '12' });
    expect(textOf(bad.html)).toContain("Bruger-id'et skal være 3-40 bogstaver");
    const set = await user.post('/self-service/alias', { alias: 'Karen.Demo' });
    expect(textOf(set.html)).toContain("Du kan nu logge på med bruger-id'et karen.demo.");
    await user.post('/logoff');
    expect((await logOn(me(), 'karen.demo', '4711')).path).toBe('/account');
  });

  it('S-3: the web shop learns a pseudonym, never the CPR number; S-1: it is in the log, with the site once opted in', async () => {
    const user = me();
    await logOn(user, 'karen.demo', '4711');
    await user.get('/log');
    const before = await user.get('/log');
    expect(before.html).not.toContain('id="siteLogging" name="siteLogging" value="on" checked');
    const opted = await user.post('/log/site-logging', { siteLogging: 'on' });
    expect(textOf(opted.html)).toContain('Hjemmesider logges fra nu af.');
    expect(opted.html).toContain('value="on" checked');

    const shop = await logOn(user, 'karen.demo', '4711', 'shop');
    expect(shop.path).toBe('/shop');
    const text = textOf(shop.html);
    const pseudonym = /som kunde (\S+)\./.exec(text)?.[1];
    expect(pseudonym).toMatch(/^[\w-]{16,}$/);
    expect(shop.html).not.toContain('010190');

    // The same user, logged on to the shop again, is the same customer there.
    const again = me();
    await logOn(again, 'karen.demo', '4711', 'shop');
    expect(textOf(again.last.html)).toContain(`som kunde ${pseudonym}.`);

    const log = textOf((await user.get('/log')).html);
    expect(log).toContain('log-på nøglekort OK 127.0.0.1 Demo Webshop http://localhost:80/shop');
    expect(log).toContain('logning af hjemmesider slået til');
  });

  it('KC-5: with the only card blocked, log-on is refused (AUTH006) until a new card is ordered', async () => {
    const user = me();
    await logOn(user, 'karen.demo', '4711');
    const blocked = await user.post('/self-service/block-card', { card: t.demo.card!.serial });
    expect(textOf(blocked.html)).toContain('er spærret');
    await user.post('/logoff');

    const refused = await logOn(me(), 'karen.demo', '4711');
    expect(refused.status).toBe(401);
    expect(textOf(refused.html)).toContain('Du har ingen nøgler tilbage og intet nyt nøglekort');
    expect(textOf(refused.html)).toContain('(AUTH006)');
  });
});
