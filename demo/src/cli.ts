/** The demo's command line: arguments, start-up, and what the terminal shows. */
import { isAbsolute, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { isVerifierError, SchemaMismatchError } from '@nemid-sim/server-verifier';
import { DataFolderError } from './data-folder.js';
import { StateFileError } from './demo-state.js';
import { PortBusyError, type RunningDemo, startDemo } from './start.js';
import { DEFAULT_ESPEAK, ESPEAK_ENV } from './voice/voice-phone.js';

export const USAGE = `usage: npm start -- [--port N] [--data DIR] [--reset]

Demo Netbank: a bank's log-on page that embeds the NemID verifier.
  --port N     serve on 127.0.0.1:N (default 3000; 0 picks a free port)
  --data DIR   the data folder (default .nemid-demo): verifier database, master key, cards, key display
  --reset      empty the data folder and start over (only a folder the demo made)
Voice Response speaks with espeak-ng ($${ESPEAK_ENV} names another program).
`;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

class UsageError extends Error {}

interface Args {
  port: number;
  data: string;
  reset: boolean;
  help: boolean;
}

export function parseDemoArgs(argv: readonly string[]): Args {
  let values: { port?: string; data?: string; reset?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        reset: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  const portText = values.port ?? '3000';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError('--port must be a whole number from 0 to 65535');
  if (values.data === '') throw new UsageError('--data needs a folder');
  return {
    port,
    data: values.data ?? '.nemid-demo',
    reset: values.reset ?? false,
    help: values.help ?? false,
  };
}

/**
 * Starts the demo and prints where everything is. Returns the running demo, or the exit code when
 * it could not start (2: bad arguments or data folder, 1: the port is busy).
 */
export async function runDemo(argv: readonly string[], io: Io): Promise<RunningDemo | number> {
  let args: Args;
  try {
    args = parseDemoArgs(argv);
  } catch (err) {
    io.err(`nemid-demo: ${(err as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  try {
    const espeak = io.env[ESPEAK_ENV] || DEFAULT_ESPEAK;
    const demo = await startDemo({
      dataDir: args.data,
      port: args.port,
      reset: args.reset,
      espeak,
      log: (line) => io.err(`nemid-demo: ${line}\n`),
    });
    io.out(readyMessage(demo, io.cwd, espeak));
    return demo;
  } catch (err) {
    const known =
      err instanceof PortBusyError ||
      err instanceof DataFolderError ||
      err instanceof StateFileError ||
      err instanceof SchemaMismatchError ||
      isVerifierError(err, 'WRONG_MASTER_KEY');
    if (!known) throw err;
    const hint = err instanceof PortBusyError ? '' : ' (npm start -- --reset starts over)';
    io.err(`nemid-demo: ${err.message}${hint}\n`);
    return err instanceof PortBusyError ? 1 : 2;
  }
}

/** What the terminal shows once the bank is up. */
export function readyMessage(demo: RunningDemo, cwd: string, espeak: string): string {
  const show = (p: string) => {
    const r = relative(cwd, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
  const s = demo.state;
  const token =
    demo.token === null
      ? 'none'
      : `${demo.token.tokenSerial} (${demo.token.state === 'assigned' ? 'ordered, not yet active: "Skift til nøgleviser" activates it' : demo.token.state})`;
  const lines = [
    `Demo Netbank is ready: ${demo.url}`,
    `  user id:     ${s.nemIdNumber} (or the CPR number ${s.cpr})`,
    `  password:    ${s.password}${demo.fresh ? '' : ' (as set at the first start)'}`,
    demo.card === null
      ? '  key card:    none active (order one in self-service)'
      : `  key card:    ${show(demo.card.pdf)} (the same keys as text: ${show(demo.card.text)})`,
    `  key display: ${token}`,
    '  run the key display in a second terminal:',
    `      npx nemid device --device ${show(demo.paths.device)}`,
    `  data:        ${show(demo.paths.root)} (${demo.fresh ? 'made now' : 'reused'}; npm start -- --reset starts over)`,
  ];
  if (!demo.voice) {
    lines.push(
      `Voice Response ("Ring mig op") is off: ${espeak} was not found (Debian: apt-get install espeak-ng).`,
    );
  }
  lines.push('Ctrl-C stops the bank.');
  return `${lines.join('\n')}\n`;
}
