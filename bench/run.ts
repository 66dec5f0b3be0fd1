/**
 * `npm run bench [-- part ...]`: runs each part's benchmark in its own process (so one part's heap
 * and JIT state cannot colour another's figures) and prints their tables. Parts: core, key-card,
 * device-sim, server-verifier, http.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PARTS = ['core', 'key-card', 'device-sim', 'server-verifier', 'http'] as const;
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(PARTS as readonly string[]).includes(w));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark part: ${unknown.join(', ')} (parts: ${PARTS.join(', ')})\n`);
  process.exit(2);
}
let failed = false;
for (const part of wanted.length > 0 ? wanted : PARTS) {
  const file = fileURLToPath(new URL(`./${part}.bench.ts`, import.meta.url));
  if (!existsSync(file)) continue;
  process.stdout.write(`\n## ${part}\n\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
