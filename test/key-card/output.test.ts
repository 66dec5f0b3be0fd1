import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  FileExistsError,
  openAtomicStream,
  progressBar,
  renderPdf,
  writeFileAtomic,
} from '@nemid-sim/key-card';
import { describe, expect, it } from 'vitest';
import { tempDir, testBatch } from './helpers.js';

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  Object.assign(w, {
    isTTY,
    columns: 100,
    cursorTo: (_x: number, _y?: unknown, cb?: () => void) => cb?.() ?? true,
    clearLine: (_d: number, cb?: () => void) => cb?.() ?? true,
    moveCursor: (_x: number, _y: number, cb?: () => void) => cb?.() ?? true,
    clearScreenDown: (cb?: () => void) => cb?.() ?? true,
  });
  return { stream: w as unknown as NodeJS.WriteStream, written: () => text };
}

describe('the progress bar', () => {
  it('draws on a terminal', () => {
    const { stream, written } = fakeStream(true);
    const bar = progressBar(stream, 3);
    bar.update(3);
    bar.stop();
    expect(written()).toContain('3/3 cards');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const { stream, written } = fakeStream(false);
    const bar = progressBar(stream, 3);
    bar.update(1);
    bar.stop();
    expect(written()).toBe('');
  });
});

describe('streaming', () => {
  it('gives the same PDF into a slow output that pushes back as into a fast one', async () => {
    const cards = testBatch(6, 'stream').cards;
    const createdAt = new Date('2026-01-01T00:00:00Z');
    const collect = (delayMs: number) => {
      const chunks: Buffer[] = [];
      let calls = 0;
      const sink = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk);
          calls++;
          if (delayMs > 0) setTimeout(done, delayMs);
          else done();
        },
      });
      return { sink, bytes: () => Buffer.concat(chunks), calls: () => calls };
    };
    const fast = collect(0);
    const slow = collect(1);
    await renderPdf(cards, fast.sink, { createdAt });
    await renderPdf(cards, slow.sink, { createdAt });
    expect(slow.bytes().equals(fast.bytes())).toBe(true);
    expect(slow.calls()).toBeGreaterThan(1);
    expect(slow.sink.writableFinished).toBe(true);
  });
});

describe('a failing output', () => {
  it('stops the rendering and reports the output error', async () => {
    let writes = 0;
    const sink = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, done) {
        writes++;
        done(writes > 3 ? new Error('disk full') : null);
      },
    });
    sink.on('error', () => undefined);
    let drawn = 0;
    const cards = testBatch(400, 'fail').cards;
    await expect(renderPdf(cards, sink, { onProgress: (done) => (drawn = done) })).rejects.toThrow(
      'disk full',
    );
    expect(drawn).toBeLessThan(cards.length);
  });
});

describe('atomic output', () => {
  it('leaves neither the target nor a temporary file when rendering fails', async () => {
    const dir = tempDir('nemid-kc-out-');
    const path = join(dir, 'cards.pdf');
    const good = testBatch(3, 'atomic').cards;
    // A card whose secret is too short makes the card engine throw half-way through the PDF.
    const cards = [...good, { serial: good[0].serial, secret: new Uint8Array(4) }];
    const target = await openAtomicStream(path);
    await expect(renderPdf(cards, target.stream)).rejects.toThrow(RangeError);
    await target.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the old file until the new one is complete, and refuses to replace it unasked', async () => {
    const dir = tempDir('nemid-kc-out-');
    const path = join(dir, 'out.txt');
    await writeFileAtomic(path, 'first');
    await expect(writeFileAtomic(path, 'second')).rejects.toThrow(FileExistsError);
    await expect(openAtomicStream(path)).rejects.toThrow(FileExistsError);
    expect(readFileSync(path, 'utf8')).toBe('first');
    const target = await openAtomicStream(path, { overwrite: true });
    target.stream.write('third');
    expect(readFileSync(path, 'utf8')).toBe('first');
    await target.commit();
    expect(readFileSync(path, 'utf8')).toBe('third');
    expect(readdirSync(dir)).toEqual(['out.txt']);
    expect(existsSync(path)).toBe(true);
  });
});
