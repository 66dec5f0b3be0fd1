import { spawn, spawnSync } from 'node:child_process';
import type { Clock, KeyCall, PhoneService, RandomSource } from '@nemid-sim/server-verifier';
import type { Lang } from '../lang.js';
import { fixWavSizes } from './wav.js';

/** The speech synthesiser, from Debian's espeak-ng package; `NEMID_ESPEAK` names another. */
export const ESPEAK_ENV = 'NEMID_ESPEAK';
export const DEFAULT_ESPEAK = 'espeak-ng';

/** A recording is played within the log-on dialog's lifetime (5 minutes), then dropped. */
const RECORDING_MS = 5 * 60_000;
const SPEAK_TIMEOUT_MS = 20_000;

/** True when `command --version` runs. */
export function espeakAvailable(command: string): boolean {
  const r = spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 5_000 });
  return r.error === undefined && r.status === 0;
}

/** What is read to the user: the key number and the key, digit by digit, twice. */
export function spokenKey(call: Pick<KeyCall, 'keyNumber' | 'key'>, lang: Lang): string {
  const digits = (s: string) => [...s].join('. ');
  const key = digits(call.key);
  return lang === 'da'
    ? `Hej, det er NemID. Nøgle nummer ${digits(call.keyNumber)}. Din nøgle er: ${key}. Jeg gentager: ${key}.`
    : `Hello, this is NemID. Key number ${digits(call.keyNumber)}. Your key is: ${key}. Once more: ${key}.`;
}

/** Speaks `text` into a WAV file held in memory; the text goes through stdin, never the command line. */
export function speak(command: string, text: string, lang: Lang): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['-v', lang, '-s', '140', '--stdin', '--stdout'], {
      stdio: ['pipe', 'pipe', 'ignore'],
      timeout: SPEAK_TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} exited with ${code ?? 'a signal'}`));
      else resolve(fixWavSizes(Buffer.concat(chunks)));
    });
    child.stdin.end(text);
  });
}

interface Recording {
  readonly wav: Buffer;
  /** The last two digits of the number called, for the page to say which phone rings. */
  readonly phoneEnd: string;
  readonly expiresAt: number;
}

/**
 * the demo's phone service. The verifier hands it the key asked for and the user's mobile
 * number; a real bank would place a call through a telephony provider. Here the "call" is a WAV
 * file that the log-on page plays, kept in memory only, for the session that asked for it.
 */
export class VoicePhone {
  private readonly recordings = new Map<string, Recording>();
  /** Calls the bank asked for and the verifier has not placed yet, by card and key number. */
  private readonly waiting = new Map<string, { lang: Lang; id: string | null }>();

  constructor(
    private readonly command: string,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** Handed to `createVerifier({ phoneService })`. Says the key, then forgets it. */
  readonly service: PhoneService = async (call: KeyCall) => {
    const wanted = this.waiting.get(slotOf(call.cardNumber, call.keyNumber));
    if (wanted === undefined) throw new Error('no call was asked for this key');
    const wav = await speak(this.command, spokenKey(call, wanted.lang), wanted.lang);
    const id = Buffer.from(this.random(16)).toString('base64url');
    this.recordings.set(id, {
      wav,
      phoneEnd: call.phone.replace(/\D/g, '').slice(-2),
      expiresAt: this.expiry(),
    });
    wanted.id = id;
  };

  /**
   * Asks for a call about the key `keyNumber` of card `cardNumber`: `dial` is the bank's call to
   * the verifier (`phoneKey`), which calls `service` with the key. Returns the recording's id.
   */
  async call(cardNumber: string, keyNumber: string, lang: Lang, dial: () => Promise<void>): Promise<string> {
    this.drop();
    const slot = slotOf(cardNumber, keyNumber);
    const entry = { lang, id: null as string | null };
    this.waiting.set(slot, entry);
    try {
      await dial();
    } finally {
      this.waiting.delete(slot);
    }
    if (entry.id === null) throw new Error('the phone service was not called');
    return entry.id;
  }

  recording(id: string): Recording | undefined {
    this.drop();
    return this.recordings.get(id);
  }

  private expiry(): number {
    return this.clock() + RECORDING_MS;
  }

  private drop(): void {
    const now = this.clock();
    for (const [id, r] of this.recordings) if (r.expiresAt <= now) this.recordings.delete(id);
  }
}

function slotOf(cardNumber: string, keyNumber: string): string {
  return `${cardNumber} ${keyNumber}`;
}
