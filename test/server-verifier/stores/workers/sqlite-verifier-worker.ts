/**
 * A second (or third) process on one SQLite file, for test/server-verifier/concurrency.test.ts.
 * Started with `node --import tsx`; imports the verifier from its sources, like the tests.
 *
 * Protocol on stdin/stdout, one JSON line each:
 *   parent -> worker: the job (file, master key, clock, tasks)
 *   worker -> parent: {"ready":true} once the store is open
 *   parent -> worker: "go" (sent to every worker at once, so their attempts overlap)
 *   worker -> parent: {"outcomes":[...]} with 'ok' or the error code of each task, then it exits.
 */
import { createInterface } from 'node:readline';
import { createVerifier, VerifierError } from '../../../../server-verifier/src/index.js';
import { openSqliteStore } from '../../../../server-verifier/src/sqlite.js';

export type WorkerTask =
  | { readonly op: 'complete-logon'; readonly challengeId: string; readonly key: string }
  | {
      readonly op: 'start-logon';
      readonly login: string;
      readonly password: string;
      readonly providerId: string;
    };

export interface WorkerJob {
  readonly file: string;
  readonly masterKeyHex: string;
  readonly now: number;
  readonly tasks: readonly WorkerTask[];
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function nextLine(): Promise<string> {
  const r = await lines.next();
  if (r.done) throw new Error('stdin closed before the job was complete');
  return r.value;
}

function send(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

const job = JSON.parse(await nextLine()) as WorkerJob;
const store = openSqliteStore(job.file);
const verifier = createVerifier({
  store,
  masterKey: Buffer.from(job.masterKeyHex, 'hex'),
  clock: () => job.now,
  policy: { scrypt: { N: 16, r: 1, p: 1 } },
});
send({ ready: true });
if ((await nextLine()).trim() !== 'go') throw new Error('expected "go"');

const settled = await Promise.allSettled(
  job.tasks.map((t) =>
    t.op === 'complete-logon'
      ? verifier.completeLogon(t.challengeId, t.key)
      : verifier.startLogon({ userId: t.login, password: t.password, providerId: t.providerId }),
  ),
);
const outcomes = settled.map((r) => {
  if (r.status === 'fulfilled') return 'ok';
  if (r.reason instanceof VerifierError) return r.reason.code;
  return `unexpected: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`;
});
send({ outcomes });
await store.close();
process.exit(0);
