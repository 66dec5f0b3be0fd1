export { MAC_KEY_BYTES } from './crypto.js';
export { PskcError, type PskcErrorCode } from './errors.js';
export {
  formatPskFile,
  PSK_BYTES,
  parsePskFile,
  readPasswordFile,
  readPskcFile,
  readPskFile,
} from './file.js';
export { type PskcReadOptions, type PskcSecrets, parsePskc } from './reader.js';
export type {
  PskcDocument,
  PskcHash,
  PskcKey,
  PskcKind,
  PskcPinPolicy,
  PskcPolicy,
  PskcProtection,
} from './types.js';
export { KEY_ALGORITHM_URIS, MAC_URIS, type MacAlgorithm, NS } from './uris.js';
export { DEFAULT_PBKDF2_ITERATIONS, type PskcKeyInput, type PskcWriteOptions, writePskc } from './writer.js';
export { MAX_PSKC_BYTES } from './xml.js';
