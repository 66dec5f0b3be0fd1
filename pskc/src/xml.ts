import { DOMParser, type Element } from '@xmldom/xmldom';
import { PskcError } from './errors.js';

/**
 * The largest document read: about 20,000 keys encrypted with a MAC. Larger deliveries come in
 * several files; the limit keeps a hostile or mistaken file from filling the memory.
 */
export const MAX_PSKC_BYTES = 32 * 1024 * 1024;

const ELEMENT_NODE = 1;

function tooLarge(bytes: number, maxBytes: number): PskcError {
  return new PskcError(
    'too-large',
    `the document is ${bytes} bytes, more than the ${maxBytes} bytes a PSKC file may have here`,
  );
}

export function checkSize(bytes: number, maxBytes: number): void {
  if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
}

/**
 * Parses a document without ever expanding an entity or fetching anything: xmldom defines only
 * XML's five predefined entities and loads no DTD, and any document type declaration is refused
 * outright (PSKC never needs one), which also stops billion-laughs and external-entity documents.
 */
export function parseXml(input: string | Uint8Array, maxBytes: number): Element {
  let text: string;
  if (typeof input === 'string') {
    checkSize(Buffer.byteLength(input, 'utf8'), maxBytes);
    text = input;
  } else {
    checkSize(input.length, maxBytes);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new PskcError('not-xml', 'the document is not UTF-8 text');
    }
  }
  let problem: string | undefined;
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser({
      locator: false,
      onError: (_level, message) => {
        problem ??= message;
      },
    }).parseFromString(text, 'application/xml');
  } catch (err) {
    throw notXml(problem ?? (err as Error).message);
  }
  if (doc.doctype) {
    throw new PskcError(
      'dtd',
      'the document has a document type declaration (<!DOCTYPE>); PSKC files never need one, so it is refused',
    );
  }
  if (problem !== undefined) throw notXml(problem);
  const root = doc.documentElement;
  if (!root) throw notXml('no root element');
  return root;
}

function notXml(message: string): PskcError {
  const first = message
    .split('\n')[0]
    .replace(/^\[xmldom [a-zA-Z]+\]\s*/, '')
    .trim();
  return new PskcError('not-xml', `the document is not well-formed XML (${first.slice(0, 120)})`);
}

export function elementChildren(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
  }
  return out;
}

/** Child elements with this name; a `null` namespace matches the local name in any namespace. */
export function childrenNamed(parent: Element, ns: string | null, local: string): Element[] {
  return elementChildren(parent).filter(
    (e) => e.localName === local && (ns === null || e.namespaceURI === ns),
  );
}

/** The one child with this name, or undefined; two of them break the schema. */
export function childNamed(parent: Element, ns: string | null, local: string): Element | undefined {
  const found = childrenNamed(parent, ns, local);
  if (found.length > 1)
    throw new PskcError('invalid', `<${local}> appears more than once in <${parent.localName}>`);
  return found[0];
}

/** Text content with the surrounding white space removed (PSKC's examples wrap values). */
export function textOf(e: Element): string {
  return (e.textContent ?? '').trim();
}

export function attribute(e: Element, name: string): string | undefined {
  return e.hasAttribute(name) ? (e.getAttribute(name) ?? undefined) : undefined;
}
