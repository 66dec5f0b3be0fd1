import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { integerOption } from '../options.js';
import { addVerifierOptions, type VerifierOpts, withVerifier } from './server-store.js';

/** `nemid server serve`: the verifier over HTTP for backends and operators. */
export function registerServeCommand(server: Command): void {
  addVerifierOptions(
    server
      .command('serve')
      .description(
        'serve the verifier to backends over HTTP (JSON): POST /v1/logon, /v1/logon/switch-to-token, ' +
          '/v1/logon/complete, /v1/sign, /v1/sign/complete; GET /health. Stops on SIGINT or SIGTERM.',
      )
      .requiredOption('--port <n>', 'TCP port (0: any free port)', integerOption('--port', 0, 65_535))
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option(
        '--api-key-file <file>',
        'require "Authorization: Bearer <the key in this file>" on every request',
      ),
  ).action(async (opts: VerifierOpts & { port: number; host: string; apiKeyFile?: string }) => {
    let apiKey: string | undefined;
    if (opts.apiKeyFile !== undefined) {
      apiKey = (await readFile(opts.apiKeyFile, 'utf8')).trim();
      if (apiKey.length < 16)
        throw new UsageError('--api-key-file must hold an API key of 16 characters or more');
    }
    const { startVerifierHttpServer } = await import('@nemid-sim/server-verifier/http');
    await withVerifier(opts, async (verifier) => {
      const running = await startVerifierHttpServer(verifier, {
        port: opts.port,
        host: opts.host,
        apiKey,
        log: (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
      });
      process.stdout.write(`listening on ${running.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
      process.stderr.write('nemid: server stopped\n');
    });
  });
}
