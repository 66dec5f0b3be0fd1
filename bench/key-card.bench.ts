/**
 * Key-card benchmark: cards per second into one imposed A4 PDF/X, and the peak resident memory, for
 * batches of 1,000 and 10,000 cards. Each size runs in a fresh plain-node process
 * (key-card-run.mjs), so that one run's heap cannot raise the next one's high-water mark and the
 * memory is the renderer's, not a TypeScript loader's. The PDF goes to the system temp directory.
 *
 * Re-run: `npx tsc -b && npx tsx bench/key-card.bench.ts` (or `npm run bench -- key-card`).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const SIZES = [1_000, 10_000];

interface Result {
  cards: number;
  seconds: number;
  cpuSeconds: number;
  startRssMb: number;
  peakRssMb: number;
  pdfMb: number;
}

const run = fileURLToPath(new URL('./key-card-run.mjs', import.meta.url));
const rows: Result[] = [];
for (const cards of SIZES) {
  const r = spawnSync(process.execPath, [run, String(cards)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) {
    process.stderr.write(`key-card benchmark for ${cards} cards failed\n`);
    process.exit(1);
  }
  rows.push(JSON.parse(r.stdout) as Result);
}
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  `Key cards into one imposed A4 PDF/X-1a (2 cards per sheet), Node ${process.version}, ${cpu}.`,
  '',
  '| cards | wall time (s) | CPU time (s) | cards/s (wall) | RSS before (MB) | peak RSS (MB) | PDF size (MB) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.cards.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ` +
      `${Math.round(r.cards / r.seconds)} | ` +
      `${Math.round(r.startRssMb)} | ${Math.round(r.peakRssMb)} | ${r.pdfMb.toFixed(1)} |`,
  ),
  '',
  "Target: 10,000 cards in under 30 s and under 200 MB peak RSS. CPU time is the process's own user +",
  'system time, which other load on the machine does not inflate the way it does wall time.',
  'Re-run: `npx tsc -b && npx tsx bench/key-card.bench.ts` (or `npm run bench -- key-card`).',
  '',
];
process.stdout.write(lines.join('\n'));
