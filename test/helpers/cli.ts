import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `nemid` binary; `npm test` builds it (tsc -b) before vitest runs. */
export const NEMID_BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `nemid` as a user would, in a child process, and returns its exit code and output. */
export function runCli(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): CliResult {
  const result = spawnSync(process.execPath, [NEMID_BIN, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
