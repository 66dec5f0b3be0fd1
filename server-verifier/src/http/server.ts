import type { AddressInfo } from 'node:net';
import type { Verifier } from '../verifier.js';
import { buildVerifierService, type VerifierService } from './app.js';
import type { ServiceOptions } from './options.js';

export interface RunningVerifierHttp extends VerifierService {
  /** http://host:port */
  readonly url: string;
  /**
   * Graceful shutdown: new requests are refused (503, and /ready says so), requests in flight are
   * finished, idle connections closed; whatever still runs after `timeouts.shutdownMs` is cut off.
   */
  close(): Promise<void>;
}

/** Starts the service; port 0 picks a free port (see `url`). */
export async function startVerifierHttpServer(
  verifier: Verifier,
  options: ServiceOptions & { port: number; host?: string },
): Promise<RunningVerifierHttp> {
  const service = await buildVerifierService(verifier, options);
  const { app, state } = service;
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port, host });
  } catch (err) {
    await app.close();
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    ...service,
    url: `http://${shown}:${port}`,
    close() {
      closing ??= (async () => {
        state.closing = true;
        const cutOff = setTimeout(
          () => app.server.closeAllConnections(),
          service.options.timeouts.shutdownMs,
        );
        try {
          await app.close();
        } finally {
          clearTimeout(cutOff);
        }
      })();
      return closing;
    },
  };
}
