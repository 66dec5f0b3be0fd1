import { createOtpEngine, formatCode } from '@nemid-sim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf, enrolWithCard, logonWith, makeHarness, TOKEN_SERIAL, tokenSecret } from './harness.js';

const engine = createOtpEngine(tokenSecret(3), 'sha1');
const code = (counter: number) => formatCode(engine.hotp(counter, 6), 6);

/** An active HOTP token whose last accepted counter is 0. */
async function activeHotp() {
  const h = makeHarness({ seed: 'hotp-prop' });
  const u = await enrolWithCard(h);
  await h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: 'hotp', secret: tokenSecret(3) }]);
  await h.verifier.assignToken(u.userId, TOKEN_SERIAL);
  await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: () => code(0) });
  return { h, u };
}

/** The first counter above `from` whose code is `c`, or -1 (codes can repeat by chance). */
function firstMatch(c: string, from: number, to: number): number {
  for (let i = from; i <= to; i++) if (code(i) === c) return i;
  return -1;
}

describe('HOTP window (property)', () => {
  it('accepts within the look-ahead, asks for the next code up to 1000 ahead, refuses beyond', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1100 }), async (counter) => {
        // A code that also appears earlier in the windows would be found there: skip such draws.
        fc.pre(firstMatch(code(counter), 1, counter) === counter);
        const { h, u } = await activeHotp();
        const outcome = await codeOf(logonWith(h, u.nemIdNumber, { tokenCode: () => code(counter) }));
        if (counter <= 11) expect(outcome).toBe('resolved');
        else if (counter <= 1001) expect(outcome).toBe('AUTH011');
        else expect(outcome).toBe('AUTH002');
      }),
      { numRuns: 40, seed: 42 },
    );
  });
});
