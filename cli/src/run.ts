import { CommanderError } from 'commander';
import { describeError, ERROR_PREFIX, EXIT } from './errors.js';
import { type CliIo, PROCESS_IO } from './io.js';
import { buildProgram } from './program.js';

/**
 * Runs `nemid` with the given arguments and returns the exit code (docs/cli.md). Bad input exits 2
 * with one line on stderr; commander has already printed its own message for errors it found.
 * Output goes to `io` (the process's streams unless a test passes its own).
 */
export async function run(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const program = buildProgram(io);
  // A command may set process.exitCode; it belongs to this run only, not to the next one.
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      // A group without its command (`nemid card`): commander has shown the group's help on stderr.
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    const { message, exitCode } = describeError(err);
    io.stderr.write(`${ERROR_PREFIX}${message}\n`);
    if (process.env.NEMID_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitCode;
  } finally {
    process.exitCode = outer;
  }
}
