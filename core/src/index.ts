export {
  CARD_KEY_DIGITS,
  CARD_SLOTS,
  type CardEngine,
  createCardEngine,
  KEY_NUMBER_SPACE,
} from './card-engine.js';
export { bytesEqual, codesEqual, stringsEqual } from './constant-time.js';
export {
  base32ToBytes,
  bytesToBase32,
  bytesToHex,
  formatCode,
  hexToBytes,
  parseCode,
} from './encoding.js';
export { type Algorithm, digest, HASHES, hashSpec } from './hash-spec.js';
export { CounterMac, hmac } from './hmac.js';
export { createOtpEngine, type OtpEngine, timeStep } from './otp-engine.js';
export { MAX_COUNTER } from './validate.js';
