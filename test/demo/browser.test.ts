/**
 * Demo Netbank in a real browser: Debian's chromium (NEMID_CHROMIUM, default /usr/bin/chromium;
 * installed by .ci/run), driven by playwright-core, which downloads nothing. A customer logs on by
 * keyboard with a key read from the card PDF, hears the key read aloud, switches to the key display
 * and activates it, signs three transfers with one key, reads the log, blocks the card and is then
 * refused. Every step leaves a screenshot in test/out/demo/browser/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  ESPEAK,
  keysFromPdf,
  OUT_DIR,
  pressKeyDisplay,
  startTestDemo,
  type TestDemo,
} from './helpers.js';

const SHOTS = join(OUT_DIR, 'browser');
let t: TestDemo;
let browser: Browser;
let page: Page;
let cardKeys: Map<string, string>;
let shot = 0;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestDemo('browser', { espeak: ESPEAK });
  cardKeys = await keysFromPdf(t.demo.card!.pdf);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Chromium's sandbox refuses to run as root (CI runs as root).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 860 } });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function screenshot(name: string): Promise<void> {
  shot += 1;
  await page.screenshot({
    path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

async function focusedId(): Promise<string> {
  // Scripts for the page are strings: the tests are type-checked without the DOM's types.
  return String(await page.evaluate('document.activeElement ? document.activeElement.id : ""'));
}

/** The key number in the label of the key field. */
async function askedKey(): Promise<string> {
  const label = (await page.locator('label[for="key"]').textContent()) ?? '';
  const n = /nøgle nr\. (\d{4})/.exec(label)?.[1];
  if (n === undefined) throw new Error(`no key number in "${label}"`);
  return cardKeys.get(n)!;
}

describe('Demo Netbank in chromium', () => {
  it('logs on by keyboard alone with a key from the card PDF; "Ring mig op" plays the key', async () => {
    await page.goto(t.demo.url);
    await screenshot('front-page');
    // The dialog's first field has the focus; Tab goes to the password, Enter sends the form.
    expect(await focusedId()).toBe('userId');
    await page.keyboard.type(t.demo.state.nemIdNumber);
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('password');
    await page.keyboard.type(t.demo.state.password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/key');
    expect(await focusedId()).toBe('key');
    await expect
      .poll(() => page.locator('.card-number').textContent())
      .toBe(`Nøglekort ${t.demo.card!.serial}`);
    await screenshot('key-step');

    await page.getByRole('button', { name: 'Ring mig op' }).click();
    await page.waitForSelector('audio');
    const audio = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('audio');
      const done = () => resolve({ duration: el.duration, error: el.error === null ? null : el.error.code });
      if (el.readyState >= 1) done();
      else el.addEventListener('loadedmetadata', done, { once: true });
    })`)) as { duration: number; error: number | null };
    expect(audio.error).toBeNull();
    expect(audio.duration).toBeGreaterThan(6);
    await screenshot('voice-response');

    await page.getByLabel(/Indtast nøglen til nøgle nr\./).fill(await askedKey());
    await page.keyboard.press('Enter');
    await page.waitForURL('**/account');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Goddag, Karen Jensen');
    await screenshot('logged-on');
  });

  it('signs three transfers with one key from the key display, activating it on the way (T-7, KC-7)', async () => {
    await page.getByRole('link', { name: 'Udbakke' }).click();
    expect(await page.locator('.transfer-text').count()).toBe(3);
    await screenshot('outbox');
    await page.getByRole('button', { name: 'Godkend alle 3 med én nøgle' }).click();
    await page.waitForURL('**/key');
    expect(await page.locator('.batch li').count()).toBe(3);
    await screenshot('approve-three');
    await page.getByRole('button', { name: 'Skift til nøgleviser' }).click();
    await page.waitForURL('**/key');
    await screenshot('key-display-step');
    await page.getByLabel('Kode fra nøgleviseren').fill(pressKeyDisplay(t.demo.paths.device));
    await page.getByRole('button', { name: 'Næste' }).click();
    await page.waitForURL('**/outbox');
    const messages = await page.locator('.message').allTextContents();
    expect(messages).toEqual([
      'Din nøgleviser er nu aktiveret. Næste gang beder vi om en kode fra den.',
      '3 overførsler er godkendt og sendt med én nøgle.',
    ]);
    await screenshot('signed');
  });

  it('reads the log (S-1)', async () => {
    await page.getByRole('link', { name: 'Din NemID-log' }).click();
    const rows: string[] = [];
    for (const tr of await page.locator('table.log tbody tr').all()) {
      rows.push((await tr.locator('td').allTextContents()).map((c) => c.trim()).join('|'));
    }
    expect(
      rows.some((r) => r.includes('|skiftet til nøgleviser|nøgleviser|OK|127.0.0.1|Demo Netbank|')),
    ).toBe(true);
    expect(rows.some((r) => r.includes('|godkendelse|nøgleviser|OK|'))).toBe(true);
    expect(rows.some((r) => r.includes('|nøgle læst op i telefonen|nøglekort|OK|'))).toBe(true);
    await screenshot('log');
  });

  it('blocks the card, and is then refused what needs the card (KC-5, T-3)', async () => {
    await page.getByRole('link', { name: 'Selvbetjening' }).click();
    await screenshot('self-service');
    await page.getByRole('button', { name: `Spær kort ${t.demo.card!.serial}` }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe(`Nøglekort ${t.demo.card!.serial} er spærret.`);
    await page.getByRole('button', { name: 'Spær nøgleviser' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Du har ingen nøgler tilbage og intet nyt nøglekort. Bestil et nyt nøglekort. (AUTH006)');
    await screenshot('refused');
  });
});

describe('accessible pages', () => {
  it('English at a switch', async () => {
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Self-service');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await screenshot('english');
    await page.getByRole('link', { name: 'Dansk' }).click();
  });

  it('text and buttons have at least 7:1 contrast', async () => {
    await page.goto(new URL('/outbox', t.demo.url).toString());
    await page.getByLabel('Reg.nr. (4 cifre)').fill('1234');
    await page.getByLabel('Kontonummer (op til 10 cifre)').fill('5678');
    await page.getByLabel('Beløb (kr.)').fill('99,95');
    await page.getByLabel('Tekst til modtager').fill('Kaffe');
    await page.getByRole('button', { name: 'Læg i udbakken' }).click();
    await expect.poll(() => page.locator('.transfer-text').count()).toBe(1);
    const selectors = [
      'main p',
      'h1',
      '.brand',
      '.menu a',
      'button.primary',
      'button.secondary',
      'label',
      'footer p',
    ];
    const pairs = (await page.evaluate(`${JSON.stringify(selectors)}.map((sel) => {
      const el = document.querySelector(sel);
      if (el === null) throw new Error('no ' + sel);
      let bg = 'rgba(0, 0, 0, 0)';
      for (let e = el; e !== null && bg === 'rgba(0, 0, 0, 0)'; e = e.parentElement) bg = getComputedStyle(e).backgroundColor;
      return { sel, fg: getComputedStyle(el).color, bg };
    })`)) as { sel: string; fg: string; bg: string }[];
    for (const p of pairs) expect([p.sel, contrast(p.fg, p.bg) >= 7]).toEqual([p.sel, true]);
  });

  it('large text reflows: at 320 CSS pixels (400% zoom) nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 320, height: 800 });
    for (const path of ['/', '/account', '/self-service', '/outbox']) {
      await page.goto(new URL(path, t.demo.url).toString());
      const overflow = Number(
        await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
      );
      expect([path, overflow]).toEqual([path, 0]);
    }
    await screenshot('reflow-320px');
    await page.emulateMedia({ contrast: 'more' });
    await page.goto(t.demo.url);
    await screenshot('high-contrast-narrow');
  });
});

/** WCAG contrast ratio of two computed CSS colours (rgb()/rgba() with opaque backgrounds). */
function contrast(fg: string, bg: string): number {
  const lum = (css: string) => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
