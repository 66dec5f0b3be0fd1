/** PDF's object syntax: values, and a lexer that reads them and content-stream operators from bytes. */
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
export class Lexer {
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
