import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCode } from '@nemid-sim/core';
import { type RunningDemo, startDemo } from '@nemid-sim/demo';
import { bringDeviceToNow, readDeviceFile, writeDeviceFile } from '@nemid-sim/device-sim';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { seededRandomBytes } from '../key-card/helpers.js';

/** The speech synthesiser the Voice Response tests call (Debian's espeak-ng, installed by .ci/run). */
export const ESPEAK = process.env.NEMID_ESPEAK || 'espeak-ng';
/** Debian's chromium, installed by .ci/run; nothing downloads a browser. */
export const CHROMIUM = process.env.NEMID_CHROMIUM || '/usr/bin/chromium';
/** Screenshots and other files a person may want to look at after a run (git-ignored). */
export const OUT_DIR = join(import.meta.dirname, '..', 'out', 'demo');

export interface TestDemo {
  readonly demo: RunningDemo;
  readonly dir: string;
  stop(): Promise<void>;
}

/** A demo on a free port with its own data folder; deterministic ids and keys from `seed`. */
export async function startTestDemo(
  seed: string,
  options: { espeak?: string | null } = {},
): Promise<TestDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'nemid-demo-'));
  const demo = await startDemo({
    dataDir: join(dir, 'data'),
    port: 0,
    espeak: options.espeak ?? null,
    random: seededRandomBytes(seed),
    // A cheap scrypt: the tests log on dozens of times; the cost parameters are kept with each hash.
    policy: { scrypt: { N: 1024, r: 8, p: 1 } },
  });
  return {
    demo,
    dir,
    async stop() {
      await demo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Key number -> key, as a person reads them off the card's text file. */
export function keysFromText(path: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const m of readFileSync(path, 'utf8').matchAll(/\b(\d{4}) (\d{6})\b/g)) keys.set(m[1], m[2]);
  return keys;
}

/** Key number -> key, from the text of the printed card's PDF (as a PDF reader extracts it). */
export async function keysFromPdf(path: string): Promise<Map<string, string>> {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(path)), isEvalSupported: false }).promise;
  const words: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const item of content.items) if ('str' in item) words.push(...item.str.trim().split(/\s+/));
  }
  await doc.destroy();
  const keys = new Map<string, string>();
  for (let i = 0; i + 2 < words.length; i++) {
    if (/^\d{4}$/.test(words[i]) && /^\d{3}$/.test(words[i + 1]) && /^\d{3}$/.test(words[i + 2])) {
      keys.set(words[i], `${words[i + 1]}${words[i + 2]}`);
      i += 2;
    }
  }
  return keys;
}

/** Presses the button of the key display in its device file (as `nemid device press` does). */
export function pressKeyDisplay(path: string): string {
  const device = readDeviceFile(path);
  const t = bringDeviceToNow(device, Date.now() / 1000);
  const code = device.firmware.press(t);
  writeDeviceFile(path, device);
  if (code < 0) throw new Error('the key display is dead');
  return formatCode(code, device.firmware.config.digits);
}

export interface Page {
  readonly status: number;
  /** The path the last redirect led to. */
  readonly path: string;
  readonly html: string;
  readonly headers: Record<string, string | string[] | number | undefined>;
}

/**
 * A user without a browser: keeps the session cookie, sends each form with the CSRF token of the
 * page it came from, and follows redirects as a browser does after a form.
 */
export class WebUser {
  private readonly cookies = new Map<string, string>();
  private csrf = '';
  last: Page = { status: 0, path: '/', html: '', headers: {} };

  constructor(private readonly demo: RunningDemo) {}

  async get(path: string): Promise<Page> {
    return this.follow(await this.send('GET', path), path);
  }

  async post(path: string, form: Record<string, string> = {}): Promise<Page> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    return this.follow(await this.send('POST', path, body), path);
  }

  /** The raw response of a GET, not followed (a file, say). */
  async fetch(path: string) {
    return this.send('GET', path);
  }

  private async send(method: 'GET' | 'POST', url: string, body?: string) {
    const response = await this.demo.app.inject({
      method,
      url,
      payload: body,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of response.cookies) {
      if (c.value === '' || (c.expires !== undefined && c.expires.getTime() < Date.now()))
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }

  private async follow(response: Awaited<ReturnType<WebUser['send']>>, path: string): Promise<Page> {
    let r = response;
    let at = path;
    for (let hops = 0; r.statusCode >= 300 && r.statusCode < 400 && hops < 5; hops++) {
      at = String(r.headers.location);
      r = await this.send('GET', at);
    }
    this.last = { status: r.statusCode, path: at, html: r.body, headers: r.headers };
    const token = /name="_csrf" value="([^"]+)"/.exec(r.body);
    if (token !== null) this.csrf = token[1];
    return this.last;
  }
}

/** Opens the front page and types the demo customer's user id and password: the key step follows. */
export async function enterPassword(
  user: WebUser,
  demo: RunningDemo,
  loginId = demo.state.nemIdNumber,
  password = demo.state.password,
): Promise<Page> {
  await user.get('/');
  return user.post('/logon', { userId: loginId, password, site: 'bank' });
}

/** The visible text of a page, tags removed and spaces collapsed, for assertions a reader would make. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The key number the key step asks for (Danish or English page). */
export function askedKeyNumber(html: string): string {
  const m = /(?:nøgle nr\.|key number) (\d{4})/.exec(textOf(html));
  if (m === null) throw new Error('the page asks for no key number');
  return m[1];
}
