/** `nemid server user audit`: a user's log (S-1) for a time range, as JSON lines. */
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/cli-in-process.js';
import { enrol, newServer, ok, refused, verifierOn } from './fixture.js';

const at = (iso: string) => Date.parse(iso);

describe('nemid server user audit', () => {
  it('prints the entries of a time range, oldest first, one JSON object a line, nothing secret', async () => {
    const f = await newServer();
    let now = at('2026-03-01T09:00:00Z');
    const { verifier, close } = await verifierOn(f, () => now);
    let nemId: string;
    try {
      nemId = (await enrol(verifier, '010190-1234')).nemId;
      now = at('2026-03-02T10:00:00Z');
      await verifier
        .startLogon({ userId: nemId, password: 'not-it-1', providerId: 'bank', ip: '192.0.2.7' })
        .catch(() => 0);
      now = at('2026-03-02T23:30:00+00:00');
      await verifier.setSiteLogging((await verifier.findUser(nemId))?.userId as string, true);
      now = at('2026-03-03T08:00:00Z');
      await verifier.startLogon({ userId: nemId, password: 'not-it-2', providerId: 'bank' }).catch(() => 0);
    } finally {
      await close();
    }
    const audit = (...args: string[]) => ok(['server', 'user', 'audit', ...f.opts, '--user', nemId, ...args]);
    const lines = (out: string) =>
      out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));

    const all = lines(await audit());
    expect(all.map((e) => [e.at, e.action, e.outcome])).toEqual([
      ['2026-03-01T09:00:00.000Z', 'enrol', 'ok'],
      ['2026-03-02T10:00:00.000Z', 'logon-password', 'AUTH001'],
      ['2026-03-02T23:30:00.000Z', 'site-log-on', 'ok'],
      ['2026-03-03T08:00:00.000Z', 'logon-password', 'AUTH001'],
    ]);
    expect(all[1]).toEqual({
      at: '2026-03-02T10:00:00.000Z',
      userId: all[0].userId,
      ip: '192.0.2.7',
      providerId: 'bank',
      site: null,
      factor: 'password',
      action: 'logon-password',
      outcome: 'AUTH001',
    });
    const text = await audit();
    expect(text).not.toContain('not-it');

    // A date is midnight UTC; --since is inclusive, --until exclusive; a time carries its zone.
    expect(lines(await audit('--since', '2026-03-02', '--until', '2026-03-03')).map((e) => e.at)).toEqual([
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T23:30:00.000Z',
    ]);
    expect(lines(await audit('--since', '2026-03-03T09:30:00+02:00')).map((e) => e.at)).toEqual([
      '2026-03-03T08:00:00.000Z',
    ]);
    expect(lines(await audit('--until', '2026-03-02T10:00:00Z')).map((e) => e.action)).toEqual(['enrol']);
    expect(lines(await audit('--limit', '1')).map((e) => e.at)).toEqual(['2026-03-03T08:00:00.000Z']);
    expect(await audit('--since', '2027-01-01')).toBe('');

    const base = ['server', 'user', 'audit', ...f.opts, '--user', nemId];
    for (const bad of ['yesterday', '2026-02-30', '2026-03-02T10:00:00', '2026-03-02T25:00Z']) {
      const r = await runInProcess([...base, '--since', bad]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /--since must be a date \(YYYY-MM-DD, from midnight UTC\) or a time with its zone/,
      );
    }
    expect(await refused([...base, '--since', '2026-03-03', '--until', '2026-03-02'])).toBe(
      '--since must be before --until',
    );
  });
});
