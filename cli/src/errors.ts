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

/** Exit codes of the `nemid` command. */
export const EXIT = { ok: 0, noMatch: 1, usage: 2, internal: 3, unavailable: 4 } as const;

/**
 * Turns any error into one line for stderr. Errors from our own parts (RangeError, TypeError and
 * errors with a `code`) carry messages written for users; anything else is reported without its
 * stack, since a stack trace helps nobody who runs the command.
 */
export function describeError(err: unknown): { message: string; exitCode: number } {
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
