import { Readable } from 'node:stream';
import { run } from '@nemid-sim/cli';
import { vi } from 'vitest';
import type { CliResult } from './cli.js';

/**
 * Runs `nemid` inside the test process (no child process to start), capturing what it writes.
 * Standard input is `input` (empty without it). For commands that do not need a terminal.
 */
export async function runInProcess(
  args: readonly string[],
  options: { input?: string } = {},
): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation(capture(stdout) as typeof process.stdout.write);
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation(capture(stderr) as typeof process.stderr.write);
  const stdin = vi
    .spyOn(process, 'stdin', 'get')
    .mockReturnValue(Readable.from([Buffer.from(options.input ?? '')]) as typeof process.stdin);
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    const status = await run(args);
    return { status, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
    stdin.mockRestore();
    process.exitCode = exitCode;
  }
}
