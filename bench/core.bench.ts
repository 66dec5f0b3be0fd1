/**
 * Core benchmark: HOTP-SHA1 generation and window-100 verification, ours against otpauth, otplib
 * and a plain node:crypto createHmac implementation, all in this one process on one core, plus our
 * own SHA-1 compression ceiling (compressions/s / 2, since one HOTP-SHA1 code is two compressions).
 *
 * Re-run: npm run bench -- core
 */
import { createHmac } from 'node:crypto';
import { createOtpEngine } from '@nemid-sim/core';
import * as OTPAuth from 'otpauth';
import { createGuardrails, generateSync, verifySync } from 'otplib';
import { sha1Compress } from '../core/dist/sha1.js';
import { type Contender, compare, countGcs, formatRate, keep, rateTable } from './harness.js';

const secret = new TextEncoder().encode('12345678901234567890');
const WINDOW = 100;
// A code that none of the counters in the benchmark windows produce: every verifier must scan
// its whole window, which is the case that costs (a wrong or replayed code).
const engine = createOtpEngine(secret, 'sha1');
const NO_MATCH = (() => {
  for (let code = 0; ; code++) if (engine.findHotp(code, 0, 1_000_000 + WINDOW, 6) < 0) return code;
})();
const noMatchText = String(NO_MATCH).padStart(6, '0');

function nodeHotp(key: Buffer, counter: number): number {
  const msg = Buffer.alloc(8);
  msg.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  msg.writeUInt32BE(counter >>> 0, 4);
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[19] & 0x0f;
  return (mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000;
}

// otplib caps windows at 99 checks by default; raise the cap so it does the same work as the others.
const guardrails = createGuardrails({ MAX_WINDOW: 1000 });
const otpauthHotp = new OTPAuth.HOTP({
  secret: new OTPAuth.Secret({ buffer: secret.slice().buffer }),
  digits: 6,
});
const keyBuf = Buffer.from(secret);
let counter = 0;
const next = (): number => {
  counter = (counter + 1) % 1_000_000;
  return counter;
};

const generation: Contender[] = [
  {
    name: 'nemid-sim core',
    run: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s ^= engine.hotp(next(), 6);
      return s;
    },
  },
  {
    name: 'otpauth 9',
    run: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s ^= otpauthHotp.generate({ counter: next() }).length;
      return s;
    },
  },
  {
    name: 'otplib 13',
    run: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s ^= generateSync({ secret, strategy: 'hotp', counter: next() }).length;
      return s;
    },
  },
  {
    name: 'node:crypto createHmac',
    run: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s ^= nodeHotp(keyBuf, next());
      return s;
    },
  },
];

const verification: Contender[] = [
  {
    name: 'nemid-sim core',
    run: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s ^= engine.findHotp(NO_MATCH, next(), WINDOW, 6);
      return s;
    },
  },
  {
    name: 'otpauth 9',
    // otpauth searches counter-window..counter+window: centre it so it also tries 101 counters.
    run: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++)
        s ^=
          otpauthHotp.validate({ token: noMatchText, counter: next() + WINDOW / 2, window: WINDOW / 2 }) ?? 1;
      return s;
    },
  },
  {
    name: 'otplib 13',
    run: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const r = verifySync({
          secret,
          token: noMatchText,
          strategy: 'hotp',
          counter: next(),
          counterTolerance: [0, WINDOW],
          guardrails,
        });
        s ^= r.valid ? 1 : 0;
      }
      return s;
    },
  },
  {
    name: 'node:crypto createHmac',
    run: (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const from = next();
        for (let c = from; c <= from + WINDOW; c++)
          if (nodeHotp(keyBuf, c) === NO_MATCH) {
            s++;
            break;
          }
      }
      return s;
    },
  },
];

/**
 * SHA-1 compression written as FIPS 180-4 §6.1 states it: the schedule expanded into w[16..79], then
 * one loop per round function. Not used by the core: it is here to show what unrolling
 * (scripts/gen-sha1.ts) buys, measured in the same run.
 */
function sha1CompressLoop(state: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 80; t++) {
    const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
    w[t] = (x << 1) | (x >>> 31);
  }
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let next = 0;
  for (let t = 0; t < 20; t++) {
    next = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + 0x5a827999 + w[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  for (let t = 20; t < 40; t++) {
    next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  for (let t = 40; t < 60; t++) {
    next = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + (0x8f1bbcdc | 0) + w[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  for (let t = 60; t < 80; t++) {
    next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (0xca62c1d6 | 0) + w[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
}

const state = new Int32Array(5);
const block = new Int32Array(80);
// One loop per contender (not one shared helper), so each call site sees one function.
const ceiling: Contender[] = [
  {
    name: 'SHA-1 compressions',
    run: (n) => {
      for (let i = 0; i < n; i++) {
        block[0] = i;
        sha1Compress(state, block);
      }
      return state[0];
    },
  },
  {
    name: 'SHA-1 compressions, plain loop',
    run: (n) => {
      for (let i = 0; i < n; i++) {
        block[0] = i;
        sha1CompressLoop(state, block);
      }
      return state[0];
    },
  },
];

const gen = await compare(generation);
const ver = await compare(verification, 5, 600);
const compared = await compare(ceiling);
const comp = compared.get('SHA-1 compressions') ?? 0;
const loop = compared.get('SHA-1 compressions, plain loop') ?? 0;
const ours = gen.get('nemid-sim core') ?? 0;
const oursVerify = ver.get('nemid-sim core') ?? 0;
const gcs = await countGcs(() => {
  for (let i = 0; i < 2_000_000; i++) keep(engine.hotp(i, 6));
  for (let i = 0; i < 20_000; i++) keep(engine.findHotp(NO_MATCH, i, WINDOW, 6));
});

const out = [
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, one process, one core. Median of 5 interleaved rounds.`,
  '',
  rateTable('HOTP-SHA1 codes', gen, 'otpauth 9'),
  '',
  rateTable(`window-${WINDOW} verifications (no match: all ${WINDOW + 1} counters)`, ver, 'otpauth 9'),
  '',
  `| our figures | value | target |`,
  `|---|---:|---|`,
  `| HOTP-SHA1 codes/s | ${formatRate(ours)} | >= 3 M/s |`,
  `| generation vs otpauth | ${(ours / (gen.get('otpauth 9') ?? 1)).toFixed(1)}x | >= 7x |`,
  `| window-100 verification vs otpauth | ${(oursVerify / (ver.get('otpauth 9') ?? 1)).toFixed(1)}x | >= 15x |`,
  `| SHA-1 compressions/s (ceiling = half of it) | ${formatRate(comp)} (${formatRate(comp / 2)}) | |`,
  `| the same as a plain loop (not used), same run | ${formatRate(loop)} (${(loop / comp).toFixed(2)}x) | |`,
  `| codes/s as share of the ceiling | ${((ours / (comp / 2)) * 100).toFixed(0)} % | >= 90 % |`,
  `| garbage collections in 2 M codes + 20 k verifications | ${gcs} | 0 |`,
];
process.stdout.write(`${out.join('\n')}\n`);
