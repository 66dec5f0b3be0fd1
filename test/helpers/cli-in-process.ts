import { run } from '@nemid-sim/cli';
import { vi } from 'vitest';
import type { CliResult } from './cli.js';

/**
 * Runs `nemid` inside the test process (no child process to start), capturing what it writes.
 * For commands that neither read standard input nor need a terminal.
 */
export async function runInProcess(args: readonly string[]): Promise<CliResult> {
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
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    const status = await run(args);
    return { status, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = exitCode;
  }
}
