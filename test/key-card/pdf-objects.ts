/**
 * A small reader of PDF files as they are written on disk, for checking what a print shop's
 * preflight checks: objects, streams (Flate-decoded) and the document structure. It reads the file
 * itself, never our writer's state, and needs no cross-reference table because it scans the
 * objects in order.
 */
import { inflateSync } from 'node:zlib';
import { Lexer, type PdfDict, PdfName, PdfOperator, PdfRef, type PdfValue } from './pdf-syntax.js';

export interface PdfObject {
  id: number;
  value: PdfValue;
  /** The decoded stream data, for stream objects. */
  stream?: Buffer;
}

export interface PdfFile {
  /** The first line, e.g. `%PDF-1.4`. */
  header: string;
  objects: Map<number, PdfObject>;
  trailer: PdfDict;
}

export function parsePdf(bytes: Uint8Array): PdfFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const re = /(\d+)\s+(\d+)\s+obj\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const lexer = new Lexer(buf);
    lexer.pos = m.index + m[0].length;
    const value = lexer.next() as PdfValue;
    const obj: PdfObject = { id: Number(m[1]), value };
    const after = new Lexer(buf);
    after.pos = lexer.pos;
    const keyword = after.next();
    if (keyword instanceof PdfOperator && keyword.op === 'stream' && value instanceof Map) {
      let start = after.pos;
      if (buf[start] === 13) start++;
      if (buf[start] === 10) start++;
      const length = value.get('Length');
      if (typeof length !== 'number')
        throw new Error(`object ${obj.id}: stream length is not a direct number`);
      const raw = buf.subarray(start, start + length);
      const filter = value.get('Filter');
      const filters = Array.isArray(filter) ? filter : filter ? [filter] : [];
      let data: Buffer = raw;
      for (const f of filters) {
        if (!(f instanceof PdfName) || f.name !== 'FlateDecode')
          throw new Error(`object ${obj.id}: unknown filter`);
        data = inflateSync(data);
      }
      obj.stream = data;
      re.lastIndex = start + length;
    } else {
      re.lastIndex = lexer.pos;
    }
    objects.set(obj.id, obj);
  }
  const at = text.lastIndexOf('trailer');
  const lexer = new Lexer(buf);
  lexer.pos = at + 'trailer'.length;
  const trailer = lexer.next();
  if (!(trailer instanceof Map)) throw new Error('no trailer dictionary');
  const header = text.slice(0, text.search(/[\r\n]/));
  return { header, objects, trailer };
}

/** Follows a reference (or returns a direct value). */
export function resolve(file: PdfFile, v: PdfValue | undefined): PdfValue | undefined {
  return v instanceof PdfRef ? file.objects.get(v.id)?.value : v;
}

export function dict(file: PdfFile, v: PdfValue | undefined): PdfDict {
  const d = resolve(file, v);
  if (!(d instanceof Map)) throw new Error('expected a dictionary');
  return d;
}

export const nameOf = (v: PdfValue | undefined): string | undefined =>
  v instanceof PdfName ? v.name : undefined;

/** The pages in document order, from the catalog's page tree. */
export function pages(file: PdfFile): PdfDict[] {
  const out: PdfDict[] = [];
  const walk = (node: PdfDict) => {
    if (nameOf(node.get('Type')) === 'Page') out.push(node);
    else for (const kid of (node.get('Kids') as PdfValue[]) ?? []) walk(dict(file, kid));
  };
  walk(dict(file, dict(file, file.trailer.get('Root')).get('Pages')));
  return out;
}

/** A page attribute, inherited from the page tree when the page does not set it. */
export function pageAttribute(file: PdfFile, page: PdfDict, key: string): PdfValue | undefined {
  for (let node: PdfDict | undefined = page; node; ) {
    if (node.has(key)) return resolve(file, node.get(key));
    const parent = node.get('Parent');
    node = parent ? dict(file, parent) : undefined;
  }
  return undefined;
}

/** Every name used anywhere in the file's objects (keys and values), e.g. to look for /DeviceRGB. */
export function allNames(file: PdfFile): Set<string> {
  const names = new Set<string>();
  const walk = (v: PdfValue | undefined) => {
    if (v instanceof PdfName) names.add(v.name);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v instanceof Map) {
      for (const [k, x] of v) {
        names.add(k);
        walk(x);
      }
    }
  };
  for (const obj of file.objects.values()) walk(obj.value);
  return names;
}
