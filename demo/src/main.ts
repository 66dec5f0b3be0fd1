#!/usr/bin/env node
/** `npm start`: Demo Netbank on 127.0.0.1:3000 with its data in .nemid-demo/. */
import { type Io, runDemo } from './cli.js';

async function main(): Promise<void> {
  const io: Io = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
  const result = await runDemo(process.argv.slice(2), io);
  if (typeof result === 'number') {
    process.exitCode = result;
    return;
  }
  const stop = () => {
    result.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`nemid-demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 3;
});
