import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { integerOption } from '../options.js';
import { addVerifierOptions, type VerifierOpts, withVerifier } from './server-store.js';

interface ServeOpts extends VerifierOpts {
  port: number;
  host: string;
  apiKeyFile?: string;
  adminKeyFile?: string;
  rateLimitAddress: number;
  rateLimitClient: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
}

/** `nemid server serve`: the verifier over HTTP for backends and operators (docs/http-api.md). */
export function registerServeCommand(server: Command): void {
  addVerifierOptions(
    server
      .command('serve')
      .description(
        'serve the verifier over HTTP (JSON; docs/http-api.md, OpenAPI at /openapi.json): log-on, signing and ' +
          'self-service for backends, /v1/admin for the back office, /health, /ready, /metrics. JSON-lines log on ' +
          'stderr. Stops on SIGINT or SIGTERM after finishing the requests in flight.',
      )
      .requiredOption('--port <n>', 'TCP port (0: any free port)', integerOption('--port', 0, 65_535))
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option(
        '--api-key-file <file>',
        'the backend API key (16+ characters): log-on, signing and self-service need ' +
          '"Authorization: Bearer <key>"; without it they take any caller',
      )
      .option(
        '--admin-key-file <file>',
        'the admin API key (16+ characters, not the backend key) for /v1/admin/...; without it those endpoints are off',
      )
      .option(
        '--rate-limit-address <n>',
        'log-on, signing and token-action starts per minute per end-user address (the "ip" field; 0: no limit)',
        integerOption('--rate-limit-address', 0, 1_000_000),
        30,
      )
      .option(
        '--rate-limit-client <n>',
        'the same starts per minute per calling client (API key; 0: no limit)',
        integerOption('--rate-limit-client', 0, 100_000_000),
        6000,
      )
      .addOption(
        new Option('--log-level <level>', 'log level')
          .choices(['error', 'warn', 'info', 'debug'])
          .default('info'),
      ),
  ).action(async (opts: ServeOpts) => {
    const backendKey = await readApiKey('--api-key-file', opts.apiKeyFile);
    const adminKey = await readApiKey('--admin-key-file', opts.adminKeyFile);
    if (backendKey !== undefined && backendKey === adminKey)
      throw new UsageError('--api-key-file and --admin-key-file must hold different keys');
    const { startVerifierHttpServer } = await import('@nemid-sim/server-verifier/http');
    await withVerifier(opts, async (verifier) => {
      const running = await startVerifierHttpServer(verifier, {
        port: opts.port,
        host: opts.host,
        backendKey,
        adminKey,
        logStream: process.stderr,
        logLevel: opts.logLevel,
        rateLimits: {
          perAddress: { max: opts.rateLimitAddress, windowMs: 60_000 },
          perClient: { max: opts.rateLimitClient, windowMs: 60_000 },
        },
      }).catch((err: unknown) => {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new UsageError(`port ${opts.port} on ${opts.host} is already in use`);
        if (code === 'EADDRNOTAVAIL' || code === 'EACCES')
          throw new UsageError(`cannot listen on ${opts.host} port ${opts.port} (${code})`);
        throw err;
      });
      if (backendKey === undefined)
        running.app.log.warn(
          'no --api-key-file: the backend endpoints take any caller; serve on localhost only',
        );
      process.stdout.write(`listening on ${running.url}\n`);
      const signal = await new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      running.app.log.info({ signal }, 'shutting down: finishing the requests in flight');
      await running.close();
      running.app.log.info('server stopped');
    });
  });
}

/** An API key from its file (surrounding white space dropped); never shown in a message. */
async function readApiKey(flag: string, file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const key = (await readFile(file, 'utf8')).trim();
  if (key.length < 16 || !/^[\x21-\x7e]+$/.test(key))
    throw new UsageError(`${flag} must hold one API key of 16 or more printable characters without spaces`);
  return key;
}
