export { type AtomicStream, FileExistsError, openAtomicStream, writeFileAtomic } from './atomic-file.js';
export {
  type Batch,
  type BatchNumbers,
  CARD_SECRET_BYTES,
  type CardRecord,
  createBatch,
  findCard,
  MAX_BATCH_CARDS,
  type NewBatchOptions,
  type RandomBytes,
} from './batch.js';
export {
  ALGORITHM_XCHACHA20_POLY1305,
  BATCH_FORMAT_VERSION,
  BATCH_KEY_BYTES,
  BATCH_MAGIC,
  BatchFileError,
  decryptBatch,
  encryptBatch,
} from './batch-codec.js';
export { GRID_COLUMNS, KEYS_PER_PANEL, layoutCard, pairText } from './card-layout.js';
export type { CircleItem, DrawItem, Drawing, LineItem, RectItem, TextItem } from './drawing.js';
export {
  formatKeyFile,
  parseKeyFile,
  readBatchFile,
  readKeyFile,
  writeBatchFile,
  writeNewKeyFile,
} from './files.js';
export { FONT_FAMILY, fontData, fontSfnt } from './fonts.js';
export {
  BLEED_MM,
  CARD_PANELS,
  ID1_HEIGHT_MM,
  ID1_WIDTH_MM,
  impose,
  PAPER_SIZE_MM,
  PAPERS,
  type Paper,
  sheetTrim,
  UNFOLDED_HEIGHT_MM,
} from './geometry.js';
export { BLACK, BRAND, blackTint, COLOUR_BAR, type Ink, PAPER, REGISTRATION } from './inks.js';
export { layoutMagnaprint, MAGNA_KEY_FONT_PT } from './magnaprint-layout.js';
export { type PdfOptions, renderPdf } from './pdf-render.js';
export { OUTPUT_CONDITION, PDFX_VERSION } from './pdfx.js';
export { type PrintedKey, printedKeys } from './printed-keys.js';
export { type Progress, progressBar } from './progress.js';
export {
  allocate,
  delegatedRegister,
  describeRange,
  type IssuedRange,
  type NumberRange,
  newRegister,
  numbersLeft,
  REGISTER_FORMAT,
  REGISTER_VERSION,
  type Register,
  RegisterError,
  randomId,
  serialsIn,
  validateRegister,
} from './register.js';
export { findClashes } from './register-check.js';
export {
  formatRegister,
  parseRegister,
  readRegisterFile,
  updateRegisterFile,
  writeNewRegisterFile,
} from './register-file.js';
export {
  formatSerial,
  issuableIn,
  isValidSerial,
  MAX_SEQUENCE,
  parseSerial,
  randomSerial,
  SERIAL_LETTERS,
  SERIAL_PATTERN,
  sequenceOf,
  serialAt,
  serialCheckDigit,
} from './serial.js';
export { cardMarks, checkJobName, MAX_JOB_NAME, type SlugInfo, sheetMarks } from './sheet-marks.js';
export { renderSvg } from './svg-render.js';
export { renderText } from './text-render.js';
