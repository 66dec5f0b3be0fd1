/** A raw TCP client for requests that fetch cannot send: stalled headers, half bodies, bad HTTP. */
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the milliseconds from `open` to the server closing the connection. */
  readonly closed: Promise<number>;
  /** Resolves once `text` has been received. */
  waitFor(text: string): Promise<void>;
}

export async function openRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const opened = performance.now();
  let data = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
    for (const w of waiters.splice(0)) {
      if (data.includes(w.text)) w.resolve();
      else waiters.push(w);
    }
  });
  // Writes after the server closed fail with EPIPE/ECONNRESET; that is what some tests provoke.
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(performance.now() - opened)),
  );
  return {
    socket,
    received: () => data,
    closed,
    waitFor: (text) =>
      data.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ text, resolve })),
  };
}

/** The status and JSON body of the first response in `raw`. */
export function firstResponse(raw: string): { status: number; headers: string; body: unknown } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const text = rest.join('\r\n\r\n');
  const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? text.length);
  return { status, headers: head, body: JSON.parse(text.slice(0, length)) };
}
