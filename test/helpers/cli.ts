import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `nemid` binary; `npm test` builds it (tsc -b) before vitest runs. */
export const NEMID_BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `nemid` in this process, as `run(argv)` with buffers for its output, and returns its exit
 * code and output. `env` is set for the run and put back afterwards. Most CLI tests use this: a
 * process launch costs about half a second on this machine; `runCli` keeps a few of those.
 */
export async function nemid(
  args: readonly string[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  // Loaded on first use, so files that only launch the binary do not load the whole command.
  const { run } = await import('@nemid-sim/cli');
  const restore = setEnv({ NO_COLOR: '1', ...options.env });
  try {
    const status = await run(args, io);
    return { status, stdout, stderr };
  } finally {
    restore();
  }
}

function setEnv(values: Record<string, string | undefined>): () => void {
  const before = Object.entries(values).map(([name]) => [name, process.env[name]] as const);
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Runs the built `nemid` as a user would, in a child process: the smoke tests of the real binary. */
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
