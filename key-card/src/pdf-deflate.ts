import { deflateSync } from 'node:zlib';
import type PDFDocument from 'pdfkit';

type Doc = InstanceType<typeof PDFDocument>;

/**
 * zlib level for page content. pdfkit deflates every content stream at zlib's default (6); on a
 * sheet of two cards (about 46 KB of operators) level 4 takes a quarter of the time for a file
 * about a tenth larger, which is a sixth of the run time of a 10,000-card batch (see BENCHMARKS.md).
 */
const CONTENT_LEVEL = 4;

interface ContentStream {
  compress?: unknown;
  buffer?: unknown;
  data?: Record<string, unknown>;
}

/**
 * Deflates the current page's content now, at CONTENT_LEVEL, and tells pdfkit not to deflate it
 * again. Call it when nothing more will be drawn on the page. If pdfkit's internals ever change
 * shape, it does nothing and pdfkit compresses the page as before.
 */
export function deflatePageContent(doc: Doc): void {
  const content = (doc as unknown as { page?: { content?: ContentStream } }).page?.content;
  if (content?.compress !== true || !Array.isArray(content.buffer) || !content.data) return;
  const chunks = content.buffer as unknown[];
  if (chunks.length === 0 || !chunks.every((c) => c instanceof Uint8Array)) return;
  content.buffer = [deflateSync(Buffer.concat(chunks as Uint8Array[]), { level: CONTENT_LEVEL })];
  content.compress = false;
  content.data.Filter = 'FlateDecode';
}
