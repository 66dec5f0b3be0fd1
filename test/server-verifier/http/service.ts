/**
 * The HTTP service in-process for tests: a verifier on a memory store (or any store), the service
 * on a free port, its JSON-lines log kept in memory, and small request helpers.
 */
import { createMemoryStore, type Store, type Verifier } from '@nemid-sim/server-verifier';
import {
  type RunningVerifierHttp,
  type ServiceOptions,
  startVerifierHttpServer,
} from '@nemid-sim/server-verifier/http';
import { raceVerifier } from '../stores/concurrency-setup.js';

export const BACKEND_KEY = 'backend-key-0123456789-test';
export const ADMIN_KEY = 'admin-key-0123456789-test';

/** The service's JSON reply; a test reads the part it expects and fails if it is missing. */
export interface ReplyBody {
  challenge: { challengeId: string; keyNumber: string; factor: string; [field: string]: unknown };
  result: Record<string, unknown>;
  error: { code: string; message: string };
  [field: string]: unknown;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: ReplyBody;
  text: string;
}

export interface TestService {
  readonly verifier: Verifier;
  readonly running: RunningVerifierHttp;
  readonly url: string;
  /** Every log line so far, as written (JSON). */
  readonly log: string[];
  /** The log lines parsed. */
  logObjects(): Record<string, unknown>[];
  /** POST (or another method) with a JSON body; `key` picks the Authorization header. */
  call(
    path: string,
    body?: unknown,
    init?: { method?: string; key?: 'backend' | 'admin' | 'none' | string; headers?: Record<string, string> },
  ): Promise<Reply>;
  close(): Promise<void>;
}

export async function startService(
  options: ServiceOptions & { store?: Store; verifier?: Verifier; keys?: boolean } = {},
): Promise<TestService> {
  const verifier = options.verifier ?? raceVerifier(options.store ?? createMemoryStore(), 'http');
  const log: string[] = [];
  const keys = options.keys === false ? {} : { backendKey: BACKEND_KEY, adminKey: ADMIN_KEY };
  const running = await startVerifierHttpServer(verifier, {
    port: 0,
    logStream: { write: (line: string) => log.push(line) },
    ...keys,
    ...options,
  });
  const call: TestService['call'] = async (path, body, init = {}) => {
    const key = init.key ?? (path.startsWith('/v1/admin') ? 'admin' : 'backend');
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (key !== 'none')
      headers.authorization = `Bearer ${key === 'backend' ? BACKEND_KEY : key === 'admin' ? ADMIN_KEY : key}`;
    const method = init.method ?? (body === undefined ? 'GET' : 'POST');
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: { ...headers, ...init.headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: ReplyBody;
    try {
      parsed = JSON.parse(text) as ReplyBody;
    } catch {
      parsed = {} as ReplyBody;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    verifier,
    running,
    url: running.url,
    log,
    logObjects: () => log.map((l) => JSON.parse(l) as Record<string, unknown>),
    call,
    close: () => running.close(),
  };
}
