/**
 * One measured run of the key-card benchmark: N new cards into one imposed A4 PDF in the system
 * temp directory; prints a JSON line. Plain JavaScript on the built packages, run by plain node, so
 * that the figures are the renderer's as `nemid card print` runs it: a TypeScript loader would add
 * some 40 MB of its own to the process's memory.
 *
 * Usage: node bench/key-card-run.mjs N   (after `npx tsc -b`)
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBatch, renderPdf } from '@nemid-sim/key-card';

const cards = Number(process.argv[2]);
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
const pdfMb = statSync(path).size / 1e6;
rmSync(dir, { recursive: true, force: true });
// The kernel's high-water mark (KiB) catches peaks between samples.
const maxRss = (process.resourceUsage().maxRSS * 1024) / 1e6;
process.stdout.write(
  JSON.stringify({
    cards,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    startRssMb: start / 1e6,
    peakRssMb: Math.max(peak / 1e6, maxRss),
    pdfMb,
  }),
);
