/**
 * A page's content stream run as a reader runs it: the graphics state's colours through q/Q and
 * the colour operators, the text it shows (decoded through each font's ToUnicode map), and every
 * path it strokes or fills.
 */
import { dict, nameOf, type PdfFile, pageAttribute, resolve } from './pdf-objects.js';
import { Lexer, type PdfDict, PdfOperator, PdfRef, PdfString, type PdfValue } from './pdf-syntax.js';

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
