/**
 * Log-ons run by a few workers while a test breaks the database under them: each worker logs its
 * own user on again and again (password, then card key) and records every status. Afterwards
 * every accepted challenge is answered once more, to show that none is accepted twice.
 */
import { expect } from 'vitest';
import { cardKey, RACE_PASSWORD, RACE_PROVIDER, type RaceUser } from '../stores/concurrency-setup.js';
import type { TestService } from './service.js';

export interface LoadResult {
  /** Status -> how many answers had it (log-on starts and key steps together). */
  readonly statuses: Map<number, number>;
  /** Challenges answered 200, with the key that was accepted. */
  readonly accepted: { challengeId: string; key: string }[];
}

export class LogonLoad {
  private stopped = false;
  private readonly statuses = new Map<number, number>();
  private readonly accepted: { challengeId: string; key: string }[] = [];
  private readonly running: Promise<void>[];
  private successesSinceMark = 0;

  constructor(
    private readonly s: TestService,
    users: readonly RaceUser[],
  ) {
    this.running = users.map((u) => this.worker(u));
  }

  private count(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  private async worker(u: RaceUser): Promise<void> {
    // Bounded: a worker stops after this many rounds even if the test never stops it.
    for (let round = 0; round < 5000 && !this.stopped; round++) {
      const start = await this.s.call('/v1/logon', {
        userId: u.login,
        password: RACE_PASSWORD,
        providerId: RACE_PROVIDER,
      });
      this.count(start.status);
      if (start.status !== 200) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const c = start.body.challenge;
      const key = cardKey(c.keyNumber);
      const done = await this.s.call('/v1/logon/complete', { challengeId: c.challengeId, key });
      this.count(done.status);
      if (done.status === 200) {
        this.accepted.push({ challengeId: c.challengeId, key });
        this.successesSinceMark++;
      }
    }
  }

  /** Resolves once `n` more log-ons have succeeded (bounded by the caller's test timeout). */
  async successes(n: number): Promise<void> {
    this.successesSinceMark = 0;
    while (this.successesSinceMark < n) await new Promise((r) => setTimeout(r, 20));
  }

  async stop(): Promise<LoadResult> {
    this.stopped = true;
    await Promise.all(this.running);
    return { statuses: new Map(this.statuses), accepted: [...this.accepted] };
  }
}

/** Only 200 and clean 503s (and the refusals of a key answered too late); never a 500. */
export function expectCleanOutcomes(result: LoadResult): void {
  for (const status of result.statuses.keys()) expect([200, 410, 503]).toContain(status);
  expect(result.statuses.get(503) ?? 0).toBeGreaterThan(0);
}

/** Every accepted challenge answered again with the same key is refused: nothing is accepted twice. */
export async function expectNothingAcceptedTwice(s: TestService, result: LoadResult): Promise<void> {
  expect(new Set(result.accepted.map((a) => a.challengeId)).size).toBe(result.accepted.length);
  for (const a of result.accepted) {
    const again = await s.call('/v1/logon/complete', a);
    expect(again.status).toBe(410);
  }
}
