import type PDFDocument from 'pdfkit';

type Doc = InstanceType<typeof PDFDocument>;

/**
 * PDF/X-1a:2003 (ISO 15930-4): CMYK and spot colour only, every font embedded, no transparency,
 * PDF 1.4, a TrimBox and BleedBox on every page, and an output intent naming the printing condition
 * the CMYK values were made for. That condition is FOGRA39 (ISO 12647-2 offset on coated paper),
 * which is registered with the ICC, so PDF/X-1a lets the file name it without embedding its profile.
 */
export const PDFX_VERSION = 'PDF/X-1a:2003';
export const PDFX_PDF_VERSION = '1.4';
export const OUTPUT_CONDITION = {
  identifier: 'FOGRA39',
  condition: 'Coated FOGRA39 (ISO 12647-2:2004)',
  registry: 'http://www.color.org',
  info: 'Offset printing on coated paper (paper type 1 or 2), 60/cm screen, ISO 12647-2:2004 / Amd 1',
} as const;

/**
 * pdfkit writes every string in the document information as a PDF string, but `Trapped` must be
 * the name /True or /False. pdfkit writes any object it does not otherwise know by its toString,
 * which is how this one becomes a name.
 */
class PdfName {
  constructor(private readonly name: string) {}
  get [Symbol.toStringTag](): string {
    return 'PdfName';
  }
  toString(): string {
    return `/${this.name}`;
  }
}

/** The document-information keys PDF/X identification needs, besides Title and the dates. */
export const PDFX_INFO = { GTS_PDFXVersion: PDFX_VERSION } as const;

/** Marks `doc` as PDF/X-1a: the output intent in the catalog and the trapping state in the info. */
export function declarePdfX(doc: Doc): void {
  // No trapping is applied, and none is needed: all type and rules are black ink or paper white.
  (doc.info as Record<string, unknown>).Trapped = new PdfName('False');
  const intent = doc.ref({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: new String(OUTPUT_CONDITION.identifier),
    OutputCondition: new String(OUTPUT_CONDITION.condition),
    RegistryName: new String(OUTPUT_CONDITION.registry),
    Info: new String(OUTPUT_CONDITION.info),
  });
  intent.end(undefined);
  (doc as unknown as { _root: { data: Record<string, unknown> } })._root.data.OutputIntents = [intent];
}
