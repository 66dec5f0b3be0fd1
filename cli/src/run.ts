import { CommanderError } from 'commander';
import { describeError, EXIT } from './errors.js';
import { buildProgram } from './program.js';

/**
 * Runs `nemid` with the given arguments and returns the exit code. Usage errors exit 2 with one
 * line on stderr; commander has already printed its own message for errors it found.
 */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      if (err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const { message, exitCode } = describeError(err);
    process.stderr.write(`nemid: ${message}\n`);
    if (process.env.NEMID_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return exitCode;
  }
}
