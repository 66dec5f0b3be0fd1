/**
 * Starts worker processes (node --import tsx), hands each its job, waits until all are ready, says
 * "go" to all at once and collects their outcomes. Every process is killed if anything goes wrong.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly next: () => Promise<string>;
  readonly stderr: () => string;
}

function start(script: string, job: object): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) => {
    child.on('exit', (code) => reject(new Error(`worker exited early (code ${code}): ${err.trim()}`)));
    child.on('error', reject);
  });
  const next = async (): Promise<string> => {
    const r = await Promise.race([lines.next(), exited]);
    if (r.done) throw new Error(`worker closed its output: ${err.trim()}`);
    return r.value;
  };
  exited.catch(() => undefined);
  child.stdin.write(`${JSON.stringify(job)}\n`);
  return { child, next, stderr: () => err };
}

/** Runs one process per job (script: a URL of a worker module) and returns each one's outcomes. */
export async function runWorkers(script: string, jobs: readonly object[]): Promise<string[][]> {
  const running = jobs.map((job) => start(script, job));
  try {
    for (const w of running) {
      const ready = JSON.parse(await w.next()) as { ready?: boolean };
      if (!ready.ready) throw new Error(`worker not ready: ${w.stderr()}`);
    }
    for (const w of running) w.child.stdin.write('go\n');
    const results: string[][] = [];
    for (const w of running) results.push((JSON.parse(await w.next()) as { outcomes: string[] }).outcomes);
    return results;
  } finally {
    for (const w of running) {
      w.child.stdin.end();
      if (w.child.exitCode === null) w.child.kill();
    }
  }
}
