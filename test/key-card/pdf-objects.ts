/**
 * A small reader of PDF files as they are written on disk, for checking what a print shop's
 * preflight checks: objects, streams (Flate-decoded), the document structure and the content
 * streams' operators. It reads the file itself, never our writer's state, and knows only the PDF
 * syntax a conforming reader must know; it does not need cross-reference tables because it scans
 * the objects in order.
 */
import { inflateSync } from 'node:zlib';

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfString {
  constructor(readonly bytes: Buffer) {}
  /** Text strings are UTF-16BE with a byte-order mark, or PDFDocEncoding (read as Latin-1). */
  text(): string {
    if (this.bytes[0] === 0xfe && this.bytes[1] === 0xff) {
      const swapped = Buffer.from(this.bytes.subarray(2));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    return this.bytes.toString('latin1');
  }
}
export class PdfRef {
  constructor(readonly id: number) {}
}
export class PdfOperator {
  constructor(readonly op: string) {}
}
export type PdfDict = Map<string, PdfValue>;
export type PdfValue = number | boolean | null | PdfName | PdfString | PdfRef | PdfValue[] | PdfDict;

const WHITE = new Set([0, 9, 10, 12, 13, 32]);
const DELIM = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));

/** Reads PDF values and operators from bytes (an object's body or a content stream). */
class Lexer {
  pos = 0;
  constructor(readonly src: Buffer) {}

  private skipSpace(): void {
    const s = this.src;
    while (this.pos < s.length) {
      if (WHITE.has(s[this.pos])) this.pos++;
      else if (s[this.pos] === 0x25) {
        while (this.pos < s.length && s[this.pos] !== 10 && s[this.pos] !== 13) this.pos++;
      } else break;
    }
  }

  /** The next value or operator, or undefined at the end. Resolves `N G R` into a PdfRef. */
  next(): PdfValue | PdfOperator | undefined {
    const v = this.token();
    if (typeof v === 'number' && Number.isInteger(v)) {
      const save = this.pos;
      const gen = this.token();
      if (typeof gen === 'number') {
        const r = this.token();
        if (r instanceof PdfOperator && r.op === 'R') return new PdfRef(v);
      }
      this.pos = save;
    }
    return v;
  }

  private token(): PdfValue | PdfOperator | undefined {
    this.skipSpace();
    const s = this.src;
    if (this.pos >= s.length) return undefined;
    const c = String.fromCharCode(s[this.pos]);
    if (c === '/') {
      const start = ++this.pos;
      while (this.pos < s.length && !WHITE.has(s[this.pos]) && !DELIM.has(s[this.pos])) this.pos++;
      const raw = s.toString('latin1', start, this.pos);
      return new PdfName(
        raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      );
    }
    if (c === '(') return this.literalString();
    if (c === '<' && s[this.pos + 1] === 0x3c) {
      this.pos += 2;
      const dict: PdfDict = new Map();
      for (;;) {
        this.skipSpace();
        if (s[this.pos] === 0x3e && s[this.pos + 1] === 0x3e) {
          this.pos += 2;
          return dict;
        }
        const key = this.next();
        if (!(key instanceof PdfName)) throw new Error(`bad dictionary key at ${this.pos}`);
        dict.set(key.name, this.value());
      }
    }
    if (c === '<') {
      const end = s.indexOf(0x3e, this.pos);
      const hex = s.toString('latin1', this.pos + 1, end).replace(/\s+/g, '');
      this.pos = end + 1;
      return new PdfString(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
    }
    if (c === '[') {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (s[this.pos] === 0x5d) {
          this.pos++;
          return items;
        }
        items.push(this.value());
      }
    }
    if (/[0-9+\-.]/.test(c)) {
      const start = this.pos;
      while (this.pos < s.length && /[0-9+\-.]/.test(String.fromCharCode(s[this.pos]))) this.pos++;
      return Number(s.toString('latin1', start, this.pos));
    }
    const start = this.pos;
    while (this.pos < s.length && !WHITE.has(s[this.pos]) && !DELIM.has(s[this.pos])) this.pos++;
    if (this.pos === start) this.pos++;
    const word = s.toString('latin1', start, this.pos);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return new PdfOperator(word);
  }

  private value(): PdfValue {
    const v = this.next();
    if (v === undefined || v instanceof PdfOperator) throw new Error(`expected a value at ${this.pos}`);
    return v;
  }

  private literalString(): PdfString {
    const s = this.src;
    const out: number[] = [];
    let depth = 0;
    this.pos++;
    for (;;) {
      const b = s[this.pos++];
      if (b === 0x5c) {
        const e = s[this.pos++];
        const simple: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12 };
        if (simple[e] !== undefined) out.push(simple[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let oct = e - 0x30;
          for (let k = 0; k < 2 && s[this.pos] >= 0x30 && s[this.pos] <= 0x37; k++)
            oct = oct * 8 + s[this.pos++] - 0x30;
          out.push(oct & 0xff);
        } else if (e !== 10 && e !== 13) out.push(e);
      } else if (b === 0x28) {
        depth++;
        out.push(b);
      } else if (b === 0x29) {
        if (depth === 0) return new PdfString(Buffer.from(out));
        depth--;
        out.push(b);
      } else out.push(b);
    }
  }
}

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

/** A font's character codes mapped to text through its ToUnicode CMap. */
function toUnicode(file: PdfFile, font: PdfDict): (codes: Buffer) => string {
  const twoByte = nameOf(font.get('Subtype')) === 'Type0';
  const map = new Map<number, string>();
  const ref = font.get('ToUnicode');
  const cmap = ref instanceof PdfRef ? file.objects.get(ref.id)?.stream?.toString('latin1') : undefined;
  const hexText = (h: string) => Buffer.from(h, 'hex').swap16().toString('utf16le');
  if (cmap) {
    for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const [, code, uni] of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
        map.set(parseInt(code, 16), hexText(uni));
      }
    }
    for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const [, lo, hi, dst] of block[1].matchAll(
        /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g,
      )) {
        const from = parseInt(lo, 16);
        const to = parseInt(hi, 16);
        if (dst.startsWith('[')) {
          [...dst.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((u, i) => {
            map.set(from + i, hexText(u[1]));
          });
        } else {
          const base = parseInt(dst.slice(1, -1), 16);
          for (let c = from; c <= to; c++) map.set(c, String.fromCharCode(base + c - from));
        }
      }
    }
  }
  return (codes) => {
    let s = '';
    for (let i = 0; i + (twoByte ? 1 : 0) < codes.length; i += twoByte ? 2 : 1) {
      const code = twoByte ? codes.readUInt16BE(i) : codes[i];
      s += map.get(code) ?? '\ufffd';
    }
    return s;
  };
}

export interface Colour {
  /** The colour space's family, or for a named resource its family and colourant: `Separation:All`. */
  space: string;
  values: number[];
}

export interface TextShow {
  text: string;
  font: string;
  size: number;
  fill: Colour;
}

/** A painted path: its colour and how many subpaths (m or re) it holds. */
export interface Painted extends Colour {
  subpaths: number;
}

export interface PageContent {
  /** Every operator the page's content uses. */
  operators: Set<string>;
  texts: TextShow[];
  /** Every stroke and every fill painted. */
  strokes: Painted[];
  fills: Painted[];
}

const INITIAL: Record<string, number[]> = { DeviceGray: [0], DeviceRGB: [0, 0, 0], DeviceCMYK: [0, 0, 0, 1] };

/** Runs a page's content stream, tracking the graphics state's colours and the text it shows. */
export function pageContent(file: PdfFile, page: PdfDict): PageContent {
  const resources = dict(file, pageAttribute(file, page, 'Resources'));
  const fontRes = resources.has('Font') ? dict(file, resources.get('Font')) : new Map<string, PdfValue>();
  const spaceRes = resources.has('ColorSpace')
    ? dict(file, resources.get('ColorSpace'))
    : new Map<string, PdfValue>();
  const decoders = new Map<string, (codes: Buffer) => string>();
  const spaceName = (name: string): string => {
    if (name in INITIAL || name === 'Pattern') return name;
    const def = resolve(file, spaceRes.get(name));
    if (!Array.isArray(def)) return `undefined:${name}`;
    const family = nameOf(def[0]) ?? '?';
    return family === 'Separation' ? `Separation:${nameOf(def[1])}` : family;
  };
  const contents = page.get('Contents');
  const refs = Array.isArray(contents) ? contents : [contents];
  const data = Buffer.concat(
    refs.map((r) =>
      r instanceof PdfRef ? (file.objects.get(r.id)?.stream ?? Buffer.alloc(0)) : Buffer.alloc(0),
    ),
  );

  interface State {
    fill: Colour;
    stroke: Colour;
    font: string;
    size: number;
  }
  let state: State = {
    fill: { space: 'DeviceGray', values: [0] },
    stroke: { space: 'DeviceGray', values: [0] },
    font: '',
    size: 0,
  };
  const stack: State[] = [];
  const out: PageContent = { operators: new Set(), texts: [], strokes: [], fills: [] };
  let subpaths = 0;
  const stroked = () => out.strokes.push({ ...state.stroke, subpaths });
  const filled = () => out.fills.push({ ...state.fill, subpaths });
  const operands: (PdfValue | undefined)[] = [];
  const nums = () => operands.filter((o): o is number => typeof o === 'number');
  const show = (s: PdfString) => {
    let decode = decoders.get(state.font);
    if (!decode) {
      decode = toUnicode(file, dict(file, fontRes.get(state.font)));
      decoders.set(state.font, decode);
    }
    out.texts.push({ text: decode(s.bytes), font: state.font, size: state.size, fill: state.fill });
  };
  const lexer = new Lexer(data);
  for (let tok = lexer.next(); tok !== undefined; tok = lexer.next()) {
    if (!(tok instanceof PdfOperator)) {
      operands.push(tok);
      continue;
    }
    const op = tok.op;
    out.operators.add(op);
    const setSpace = (stroke: boolean) => {
      const space = spaceName(nameOf(operands[0]) ?? '');
      const colour = { space, values: INITIAL[space] ?? [1] };
      state = stroke ? { ...state, stroke: colour } : { ...state, fill: colour };
    };
    switch (op) {
      case 'q':
        stack.push(state);
        break;
      case 'Q':
        state = stack.pop() ?? state;
        break;
      case 'cs':
      case 'CS':
        setSpace(op === 'CS');
        break;
      case 'sc':
      case 'scn':
        state = { ...state, fill: { space: state.fill.space, values: nums() } };
        break;
      case 'SC':
      case 'SCN':
        state = { ...state, stroke: { space: state.stroke.space, values: nums() } };
        break;
      case 'g':
      case 'rg':
      case 'k':
        state = {
          ...state,
          fill: { space: { g: 'DeviceGray', rg: 'DeviceRGB', k: 'DeviceCMYK' }[op], values: nums() },
        };
        break;
      case 'G':
      case 'RG':
      case 'K':
        state = {
          ...state,
          stroke: { space: { G: 'DeviceGray', RG: 'DeviceRGB', K: 'DeviceCMYK' }[op], values: nums() },
        };
        break;
      case 'Tf':
        state = { ...state, font: nameOf(operands[0]) ?? '', size: Number(operands[1]) };
        break;
      case 'Tj':
      case "'":
      case '"': {
        const s = operands[operands.length - 1];
        if (s instanceof PdfString) show(s);
        break;
      }
      case 'TJ': {
        const arr = operands[0];
        if (Array.isArray(arr)) {
          show(
            new PdfString(
              Buffer.concat(arr.filter((a): a is PdfString => a instanceof PdfString).map((a) => a.bytes)),
            ),
          );
        }
        break;
      }
      case 'm':
      case 're':
        subpaths++;
        break;
      case 'S':
      case 's':
        stroked();
        break;
      case 'f':
      case 'F':
      case 'f*':
        filled();
        break;
      case 'B':
      case 'B*':
      case 'b':
      case 'b*':
        filled();
        stroked();
        break;
    }
    if (['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'n'].includes(op)) subpaths = 0;
    operands.length = 0;
  }
  return out;
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
