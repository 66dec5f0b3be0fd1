import type { AuditEntry } from '@nemid-sim/server-verifier';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import { integerOption } from '../options.js';
import { addUserOption, addVerifierOptions, type UserOpts, withUser } from './server-store.js';

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

/**
 * An ISO 8601 date (midnight UTC) or date and time with its zone, in milliseconds. A time without a
 * zone is refused: the same log read on two machines must give the same lines.
 */
export function parseInstant(name: string) {
  return (text: string): number => {
    const m = INSTANT.exec(text.trim());
    const bad = () =>
      new InvalidArgumentError(
        `${name} must be a date (YYYY-MM-DD, from midnight UTC) or a time with its zone, like 2026-05-01T12:00:00Z.`,
      );
    if (m === null) throw bad();
    const [y, mo, d, h = 0, mi = 0, s = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) =>
      v === undefined ? undefined : Number(v),
    ) as number[];
    const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
    const offset = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
    const at = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    const back = new Date(at);
    const valid =
      back.getUTCFullYear() === y &&
      back.getUTCMonth() === mo - 1 &&
      back.getUTCDate() === d &&
      h < 24 &&
      mi < 60 &&
      s < 60 &&
      Math.abs(offset) <= 14 * 60;
    if (!valid) throw bad();
    return at - offset * 60_000;
  };
}

/** S-1: a user's own log, as JSON lines for tools (jq, a SIEM). */
export function registerServerAuditCommand(user: Command): void {
  addVerifierOptions(
    addUserOption(
      user
        .command('audit')
        .description(
          "print a user's audit log (S-1), oldest first, one JSON object a line: at (ISO time), userId, " +
            'ip, providerId, site (only if the user opted in), factor, action and outcome ("ok" or an error ' +
            'code). Never a password, key, code or secret.',
        ),
    )
      .addOption(
        new Option(
          '--since <time>',
          'entries at or after this date or time (2026-05-01, 2026-05-01T12:00Z)',
        ).argParser(parseInstant('--since')),
      )
      .addOption(
        new Option('--until <time>', 'entries before this date or time (not included)').argParser(
          parseInstant('--until'),
        ),
      )
      .addOption(
        new Option('--limit <n>', 'only the newest n entries of the range').argParser(
          integerOption('--limit', 1, 1_000_000),
        ),
      ),
  ).action(async (opts: UserOpts & { since?: number; until?: number; limit?: number }) => {
    if (opts.since !== undefined && opts.until !== undefined && opts.since >= opts.until) {
      throw new UsageError('--since must be before --until');
    }
    const { since, until, limit } = opts;
    const entries = await withUser(opts, (v, u) => v.auditLog(u.userId, { since, until, limit }));
    process.stdout.write(entries.map((e) => `${auditLine(e)}\n`).join(''));
  });
}

function auditLine(e: AuditEntry): string {
  const { at, ...rest } = e;
  return JSON.stringify({ at: new Date(at).toISOString(), ...rest });
}
