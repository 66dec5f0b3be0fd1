/**
 * A-2 in Demo Netbank: "Ring mig op" has the verifier hand the key to the demo's phone service,
 * which speaks it with espeak-ng (NEMID_ESPEAK, default espeak-ng; installed by .ci/run) into a WAV
 * that the page plays. The key is in the sound only, never in the page.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyMessage, spokenKey, wavSeconds } from '@nemid-sim/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  askedKeyNumber,
  ESPEAK,
  enterPassword,
  keysFromText,
  OUT_DIR,
  startTestDemo,
  type TestDemo,
  textOf,
  WebUser,
} from './helpers.js';

describe('Voice Response with espeak-ng', () => {
  let t: TestDemo;
  beforeAll(async () => {
    t = await startTestDemo('voice', { espeak: ESPEAK });
  });
  afterAll(() => t.stop());

  it(`finds ${ESPEAK} (set NEMID_ESPEAK to another program)`, () => {
    expect(t.demo.voice).toBe(true);
  });

  it('"Ring mig op" plays a WAV of the six digits; the key is never in the page', async () => {
    const user = new WebUser(t.demo);
    const keyPage = await enterPassword(user, t.demo);
    expect(textOf(keyPage.html)).toContain('Ring mig op');
    const keyNumber = askedKeyNumber(keyPage.html);
    const key = keysFromText(t.demo.card!.text).get(keyNumber)!;

    const called = await user.post('/key/call');
    expect(called.path).toBe('/key');
    expect(textOf(called.html)).toContain('Vi ringer til dit mobilnummer, der slutter på 56');
    const src = /<audio[^>]+src="(\/voice\/[\w-]+\.wav)"/.exec(called.html)?.[1];
    expect(src).toBeDefined();
    for (const html of [keyPage.html, called.html]) expect(html).not.toContain(key);

    const wav = await user.fetch(src!);
    expect(wav.statusCode).toBe(200);
    expect(wav.headers['content-type']).toBe('audio/wav');
    expect(wav.headers['cache-control']).toBe('no-store');
    const bytes = wav.rawPayload;
    expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    // The key number, then the key twice, a digit at a time at 140 words a minute.
    const seconds = wavSeconds(bytes);
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'voice-response.wav'), bytes);
    expect(seconds).toBeGreaterThan(6);
    expect(seconds).toBeLessThan(40);
    expect(loudestSample(bytes)).toBeGreaterThan(3000);
    expect(spokenKey({ keyNumber, key }, 'da')).toContain([...key].join('. '));

    // Another session cannot fetch the call.
    expect((await new WebUser(t.demo).fetch(src!)).statusCode).toBe(404);
    // The key it heard logs the user on; the call is in the user's log.
    const account = await user.post('/key', { key });
    expect(account.path).toBe('/account');
    expect(textOf((await user.get('/log')).html)).toContain('nøgle læst op i telefonen nøglekort OK');
  });
});

describe('without espeak-ng', () => {
  let t: TestDemo;
  beforeAll(async () => {
    t = await startTestDemo('no-voice', { espeak: '/nonexistent/espeak-ng' });
  });
  afterAll(() => t.stop());

  it('says so in one line at start, and the log-on works without "Ring mig op"', async () => {
    expect(t.demo.voice).toBe(false);
    const message = readyMessage(t.demo, t.dir, '/nonexistent/espeak-ng');
    expect(message.split('\n').filter((l) => l.includes('Voice Response'))).toEqual([
      'Voice Response ("Ring mig op") is off: /nonexistent/espeak-ng was not found (Debian: apt-get install espeak-ng).',
    ]);
    const user = new WebUser(t.demo);
    const keyPage = await enterPassword(user, t.demo);
    expect(textOf(keyPage.html)).toContain('Oplæsning af nøglen er slået fra');
    expect(keyPage.html).not.toContain('action="/key/call"');
    const key = keysFromText(t.demo.card!.text).get(askedKeyNumber(keyPage.html))!;
    expect((await user.post('/key', { key })).path).toBe('/account');
  });
});

function loudestSample(wav: Buffer): number {
  let max = 0;
  for (let i = 44; i + 1 < wav.length; i += 2) max = Math.max(max, Math.abs(wav.readInt16LE(i)));
  return max;
}
