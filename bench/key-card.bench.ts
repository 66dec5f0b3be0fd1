/**
 * Key-card benchmark: cards per second into one imposed A4 PDF, and the peak resident memory, for
 * batches of 1,000 and 10,000 cards. Each size runs in a fresh child process so that one run's heap
 * cannot raise the next one's high-water mark. The PDF goes to a file in the system temp directory.
 *
 * Re-run: `npx tsc -b && npx tsx bench/key-card.bench.ts` (or `npm run bench -- key-card`).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBatch, renderPdf } from '@nemid-sim/key-card';

const SIZES = [1_000, 10_000];

interface Result {
  cards: number;
  seconds: number;
  cpuSeconds: number;
  startRssMb: number;
  peakRssMb: number;
  pdfMb: number;
}

async function measure(cards: number): Promise<Result> {
  const batch = createBatch({ count: cards, randomBytes, now: new Date() });
  const dir = mkdtempSync(join(tmpdir(), 'nemid-kc-bench-'));
  const path = join(dir, 'cards.pdf');
  const start = process.memoryUsage.rss();
  let peak = start;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await renderPdf(batch.cards, createWriteStream(path), {
    onProgress: (done) => {
      if (done % 50 === 0) peak = Math.max(peak, process.memoryUsage.rss());
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const pdfMb = statSync(path).size / 1e6;
  rmSync(dir, { recursive: true, force: true });
  // The kernel's high-water mark catches peaks between samples.
  const maxRss = process.resourceUsage().maxRSS / 1024;
  return {
    cards,
    seconds,
    cpuSeconds,
    startRssMb: start / 1e6,
    peakRssMb: Math.max(peak / 1e6, maxRss * 1.048576),
    pdfMb,
  };
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await measure(Number(process.argv[3]))));
} else {
  const self = fileURLToPath(import.meta.url);
  const rows: Result[] = [];
  for (const cards of SIZES) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', String(cards)], {
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
    `Key cards into one imposed A4 PDF (2 cards per sheet), Node ${process.version}, ${cpu}.`,
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
    "Target: 10,000 cards in under 60 s and under 300 MB peak RSS. CPU time is the process's own user +",
    'system time, which other load on the machine does not inflate the way it does wall time.',
    'Re-run: `npx tsc -b && npx tsx bench/key-card.bench.ts` (or `npm run bench -- key-card`).',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
