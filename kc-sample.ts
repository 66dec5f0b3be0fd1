import { randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { createBatch, renderPdf, renderSvg, renderText } from '@nemid-sim/key-card';
const n = Number(process.argv[2] ?? 3);
const batch = createBatch({ count: n, randomBytes, now: new Date('2026-11-29T12:00:00Z') });
const t0 = performance.now();
await renderPdf(batch.cards, createWriteStream('/tmp/kc/cards.pdf'), { paper: (process.argv[3] as 'a4') ?? 'a4' });
console.log('pdf', n, (performance.now() - t0).toFixed(0), 'ms', (process.memoryUsage().rss / 1e6).toFixed(0), 'MB');
await renderPdf(batch.cards.slice(0, 1), createWriteStream('/tmp/kc/magna.pdf'), { magnaprint: true });
writeFileSync('/tmp/kc/card.svg', renderSvg(batch.cards[0]));

