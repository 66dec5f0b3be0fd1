import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch, RandomBytes } from '@nemid-sim/key-card';
import { createBatch } from '@nemid-sim/key-card';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll } from 'vitest';

/** A deterministic stand-in for crypto.randomBytes: SHA-256 in counter mode over a seed. */
export function seededRandomBytes(seed: string): RandomBytes {
  let counter = 0;
  let pool = new Uint8Array(0);
  const enc = new TextEncoder();
  return (n: number) => {
    while (pool.length < n) {
      const block = sha256(enc.encode(`${seed}/${counter++}`));
      const next = new Uint8Array(pool.length + block.length);
      next.set(pool);
      next.set(block, pool.length);
      pool = next;
    }
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}

export const CREATED = new Date('2026-11-29T12:00:00.000Z');

export function testBatch(count: number, seed = 'batch'): Batch {
  return createBatch({ count, randomBytes: seededRandomBytes(seed), now: CREATED });
}

/** The text of every <text> element of an SVG, in document order (tspans joined, entities decoded). */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );
}

const madeDirs: string[] = [];

/** A fresh directory under the system temp directory, removed after the test file has run. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
