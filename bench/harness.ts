/**
 * Tiny benchmark harness shared by the part benchmarks: interleaved rounds (so a busy moment on
 * the machine hits every contender alike), median of the rounds, and a markdown table with bars.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';

export interface Contender {
  name: string;
  /** Runs `n` operations and returns something derived from them, so nothing is optimised away. */
  run: (n: number) => number | Promise<number>;
}

let sink = 0;
export const keep = (x: number): void => {
  sink = (sink + x) | 0;
};
export const sinkValue = (): number => sink;

/** Operations per second of one contender: batches of growing size until `minMs` have passed. */
export async function opsPerSecond(c: Contender, minMs: number): Promise<number> {
  let n = 1;
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    keep(await c.run(n));
    ops += n;
    elapsed = performance.now() - start;
    if (elapsed < minMs / 4) n *= 2;
  }
  return (ops * 1000) / elapsed;
}

export async function compare(
  contenders: Contender[],
  rounds = 5,
  minMs = 400,
): Promise<Map<string, number>> {
  for (const c of contenders) await opsPerSecond(c, 150); // warm-up
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) samples.get(c.name)?.push(await opsPerSecond(c, minMs));
  }
  const result = new Map<string, number>();
  for (const [name, s] of samples) result.set(name, median(s));
  return result;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Counts garbage collections while `fn` runs. */
export async function countGcs(fn: () => Promise<void> | void): Promise<number> {
  const starts: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) starts.push(e.startTime);
  });
  obs.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  await fn();
  const t1 = performance.now();
  await new Promise((r) => setTimeout(r, 100));
  obs.disconnect();
  return starts.filter((t) => t >= t0 && t <= t1).length;
}

export function formatRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k/s`;
  return `${x.toFixed(1)} /s`;
}

/** A markdown table of rates with a bar per row, scaled to the largest. */
export function rateTable(title: string, rates: Map<string, number>, baseline?: string): string {
  const max = Math.max(...rates.values());
  const base = baseline ? rates.get(baseline) : undefined;
  const lines = [
    `| ${title} | rate | ${base ? `vs ${baseline} | ` : ''}chart |`,
    `|---|---:|${base ? '---:|' : ''}---|`,
  ];
  for (const [name, rate] of rates) {
    const bar = '█'.repeat(Math.max(1, Math.round((rate / max) * 40)));
    const ratio = base ? ` ${(rate / base).toFixed(1)}x |` : '';
    lines.push(`| ${name} | ${formatRate(rate)} |${ratio} \`${bar}\` |`);
  }
  return lines.join('\n');
}
