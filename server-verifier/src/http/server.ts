import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Verifier } from '../verifier.js';
import { errorReply } from './error-map.js';
import { HttpError, readJsonObject, sendJson } from './json-io.js';
import { ROUTES } from './routes.js';

export interface VerifierHttpOptions {
  /**
   * When set, every request except GET /health must carry `Authorization: Bearer <apiKey>`: the
   * service is for the bank's backends, not for browsers.
   */
  readonly apiKey?: string;
  /**
   * One line per request (method, path, status, milliseconds) and per internal error (its kind,
   * never its message, which could quote data). Never bodies, passwords, keys or codes.
   */
  readonly log?: (line: string) => void;
}

/**
 * The verifier over HTTP for backends: JSON in, JSON out, POST endpoints under /v1 (see ROUTES)
 * and GET /health. Errors are `{ "error": { "code", "message" } }` with the DanID code
 * (AUTH001, LOCK001, ...) and a fitting HTTP status.
 */
export function createVerifierHttpServer(verifier: Verifier, options: VerifierHttpOptions = {}): Server {
  const log = options.log ?? (() => undefined);
  const apiKey = options.apiKey === undefined ? null : Buffer.from(options.apiKey, 'utf8');
  const server = createServer((req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    handle(verifier, apiKey, path, req, res)
      .catch((err: unknown) => {
        const reply = errorReply(err);
        if (reply.internal)
          log(`internal error on ${req.method} ${path}: ${err instanceof Error ? err.name : 'unknown'}`);
        if (!res.headersSent) sendJson(res, reply.status, reply.body);
        else res.destroy();
      })
      .finally(() => {
        log(`${req.method} ${path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
      });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

async function handle(
  verifier: Verifier,
  apiKey: Buffer | null,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (path === '/health') {
    if (req.method !== 'GET') throw new HttpError(405, 'INVALID_INPUT', 'use GET for /health');
    sendJson(res, 200, { ok: true });
    return;
  }
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (route === undefined) throw new HttpError(404, 'NOT_FOUND', 'no such endpoint');
  if (apiKey !== null && !authorized(req, apiKey)) {
    throw new HttpError(401, 'UNAUTHORIZED', 'a valid "Authorization: Bearer <api key>" header is needed');
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    throw new HttpError(405, 'INVALID_INPUT', `use POST for ${path}`);
  }
  const body = await readJsonObject(req);
  sendJson(res, 200, await route(verifier, body));
}

function authorized(req: IncomingMessage, apiKey: Buffer): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1], 'utf8');
  return given.length === apiKey.length && timingSafeEqual(given, apiKey);
}

export interface RunningVerifierHttp {
  readonly server: Server;
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the service; port 0 picks a free port (see `url`). */
export async function startVerifierHttpServer(
  verifier: Verifier,
  options: VerifierHttpOptions & { port: number; host?: string },
): Promise<RunningVerifierHttp> {
  const server = createVerifierHttpServer(verifier, options);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shown}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
