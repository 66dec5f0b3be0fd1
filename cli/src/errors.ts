/**
 * A problem with what the user typed or gave us (a bad flag, a missing file, a wrong key). The
 * command prints its message as one line on stderr and exits with code 2, never a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The database behind a `nemid server` command cannot answer now (down, restarting, full): the
 * command was right and may be tried again later. Exit code 4.
 */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
}

/** Exit codes of the `nemid` command (docs/cli.md explains each). */
export const EXIT = { ok: 0, noMatch: 1, usage: 2, internal: 3, unavailable: 4 } as const;

/**
 * The command ran, and its answer is "no" (no code in the window matched, the device is dead):
 * one line on stderr and exit code 1, which scripts can tell apart from bad input (2).
 */
export class NoMatch extends Error {
  override readonly name = 'NoMatch';
}

/** The prefix of every line `nemid` writes to stderr about a problem. */
export const ERROR_PREFIX = 'nemid: ';

/**
 * Turns any error into one line for stderr. Errors from our own parts (RangeError, TypeError and
 * errors with a `code`) carry messages written for users; anything else is reported without its
 * stack, since a stack trace helps nobody who runs the command.
 */
export function describeError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof NoMatch) return { message: err.message, exitCode: EXIT.noMatch };
  if (err instanceof UnavailableError) return { message: err.message, exitCode: EXIT.unavailable };
  if (err instanceof UsageError || err instanceof RangeError || err instanceof TypeError) {
    return { message: err.message, exitCode: EXIT.usage };
  }
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const path = (err as NodeJS.ErrnoException).path;
    if (code === 'ENOENT' && path) return { message: `no such file: ${path}`, exitCode: EXIT.usage };
    if (code === 'EACCES' && path) return { message: `permission denied: ${path}`, exitCode: EXIT.usage };
    if (code === 'EISDIR' && path) return { message: `is a directory: ${path}`, exitCode: EXIT.usage };
    if (typeof code === 'string' && /^[A-Z]+\d{3}$/.test(code)) {
      return { message: `${code}: ${err.message}`, exitCode: EXIT.usage };
    }
    return { message: err.message, exitCode: err.name === 'UsageError' ? EXIT.usage : EXIT.internal };
  }
  return { message: String(err), exitCode: EXIT.internal };
}

/**
 * Commander's own parse errors as one line with our prefix. "error: option '--counter <n>' argument
 * '-1' is invalid. --counter must be ..." becomes "nemid: --counter must be ...": our parsers'
 * messages name the option and say what is allowed. A reason that does not name the option gets
 * it in front ("Allowed choices are a, b." becomes "--x must be one of a, b."). The value is not
 * repeated (it may be a secret), and a "(Did you mean ...?)" hint stays on the same line.
 */
export function commanderErrorLine(text: string): string {
  const message = text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ');
  const invalid =
    /^option '(?<flags>[^']*)' (?:argument|value) .*? is invalid\. (?<reason>.*)$/s.exec(message) ??
    /^command-argument value .*? is invalid for argument '(?<flags>[^']*)'\. (?<reason>.*)$/s.exec(message);
  if (!invalid?.groups) return `${ERROR_PREFIX}${message}\n`;
  const { flags, reason } = invalid.groups;
  const name = /--[\w-]+/.exec(flags)?.[0] ?? flags;
  const choices = /^Allowed choices are (.+?)\.?$/.exec(reason);
  const line =
    name.startsWith('--') && reason.includes(name)
      ? reason
      : choices
        ? `${name} must be one of ${choices[1]}.`
        : `${name}: ${reason}`;
  return `${ERROR_PREFIX}${line}\n`;
}
