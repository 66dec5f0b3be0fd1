import type { Element } from '@xmldom/xmldom';
import { decryptCbc, deriveKey, macMatches } from './crypto.js';
import { base64ToBytes, parseInteger } from './encoding.js';
import { PskcError, quote } from './errors.js';
import type { PskcDocument, PskcHash, PskcKey, PskcKind, PskcPolicy, PskcProtection } from './types.js';
import {
  CIPHER_KEY_BYTES,
  KEY_ALGORITHM_URIS,
  type MacAlgorithm,
  macFromUri,
  NS,
  PBKDF2_URIS,
} from './uris.js';
import {
  attribute,
  childNamed,
  childrenNamed,
  elementChildren,
  MAX_PSKC_BYTES,
  parseXml,
  textOf,
} from './xml.js';

/** What it takes to open an encrypted document: the pre-shared key (6.1) or the password (6.2). */
export interface PskcSecrets {
  psk?: Uint8Array;
  password?: string;
}

export interface PskcReadOptions {
  /** Accept secrets in PlainValue (unencrypted). Default: refused. */
  allowPlaintext?: boolean;
  /** Accept encrypted values that carry no ValueMAC (or a document without MACMethod). Default: refused. */
  allowMissingMac?: boolean;
  /**
   * Leave out keys of an unknown algorithm, Suite or response format (listed in `skipped`) instead
   * of refusing the document.
   */
  skipUnsupportedKeys?: boolean;
  /** Default MAX_PSKC_BYTES. */
  maxBytes?: number;
}

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
/** PBKDF2 rounds accepted from a document: enough for any real one, too few to stall the reader. */
const MAX_PBKDF2_ITERATIONS = 10_000_000;

/** Everything a value needs to be opened: the encryption key and the MAC key, once known. */
interface Opener {
  protection: PskcProtection;
  key?: Uint8Array;
  mac?: { algorithm: MacAlgorithm; key: Uint8Array };
  options: PskcReadOptions;
}

/**
 * Reads a PSKC document (RFC 6030): every key, or an error and none. Each encrypted value's MAC is
 * checked before it is decrypted; plain-text secrets, missing MACs and unknown algorithms are
 * refused unless the options allow them. Throws PskcError with one sentence that names the key.
 */
export function parsePskc(
  input: string | Uint8Array,
  secrets: PskcSecrets = {},
  options: PskcReadOptions = {},
): PskcDocument {
  const root = parseXml(input, options.maxBytes ?? MAX_PSKC_BYTES);
  if (root.localName !== 'KeyContainer' || root.namespaceURI !== NS.pskc) {
    throw new PskcError(
      'invalid',
      `not a PSKC document: its root element is <${root.localName}>, not <KeyContainer> in ${NS.pskc}`,
    );
  }
  const version = attribute(root, 'Version');
  if (version !== '1.0') {
    throw new PskcError(
      'unsupported',
      version === undefined
        ? 'the KeyContainer has no Version (RFC 6030 4 requires Version="1.0")'
        : `PSKC version ${quote(version)} is not supported (only 1.0)`,
    );
  }
  const opener = openContainer(root, secrets, options);
  const keys: PskcKey[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const [index, pkg] of childrenNamed(root, NS.pskc, 'KeyPackage').entries()) {
    const keyElement = childNamed(pkg, NS.pskc, 'Key');
    if (!keyElement) continue; // A package may describe a device without delivering a key.
    // The schema requires an Id, but some writers (python-pskc's csv2pskc) leave it out.
    const id =
      attribute(keyElement, 'Id') ||
      optionalText(childNamed(pkg, NS.pskc, 'DeviceInfo'), 'SerialNo') ||
      `#${index + 1}`;
    try {
      keys.push(readKey(pkg, keyElement, id, opener));
    } catch (err) {
      const skippable =
        err instanceof PskcError && (err.code === 'unknown-algorithm' || err.code === 'unsupported');
      if (!(skippable && options.skipUnsupportedKeys)) throw err;
      skipped.push({ id, reason: err.message });
    }
  }
  if (keys.length === 0 && skipped.length === 0) {
    throw new PskcError('invalid', 'the document holds no keys');
  }
  return {
    id: attribute(root, 'Id'),
    keys,
    skipped,
    protection: opener.protection,
    mac: opener.mac?.algorithm,
  };
}

/** EncryptionKey (RFC 6030 6.1, 6.2) and MACMethod (6.1.1). */
function openContainer(root: Element, secrets: PskcSecrets, options: PskcReadOptions): Opener {
  const encryptionKey = childNamed(root, NS.pskc, 'EncryptionKey');
  const opener: Opener = { protection: 'plaintext', options };
  if (encryptionKey) {
    const derived = childNamed(encryptionKey, NS.xenc11, 'DerivedKey');
    if (derived) {
      opener.protection = 'password';
      if (secrets.password === undefined) {
        throw new PskcError(
          'key-needed',
          'the document is encrypted with a key made from a password; give the password',
        );
      }
      opener.key = derivedKey(derived, secrets.password);
    } else if (childNamed(encryptionKey, NS.ds, 'KeyName') || elementChildren(encryptionKey).length === 0) {
      // An empty EncryptionKey (as python-pskc writes it) also means a pre-shared key, unnamed.
      opener.protection = 'pre-shared-key';
      if (secrets.psk === undefined) {
        throw new PskcError('key-needed', 'the document is encrypted with a pre-shared key; give that key');
      }
      opener.key = secrets.psk;
    } else {
      throw new PskcError(
        'unsupported',
        'the document is encrypted to a certificate (RFC 6030 6.3); only pre-shared keys and passwords are supported',
      );
    }
  }
  const macMethod = childNamed(root, NS.pskc, 'MACMethod');
  if (macMethod) {
    const uri = attribute(macMethod, 'Algorithm') ?? '';
    const algorithm = macFromUri(uri);
    if (!algorithm) throw new PskcError('unknown-algorithm', `MAC algorithm ${quote(uri)} is not supported`);
    const macKey = childNamed(macMethod, NS.pskc, 'MACKey');
    if (!macKey) {
      throw new PskcError(
        'unsupported',
        'the MACMethod gives no MACKey (a MAC key agreed out of band is not supported)',
      );
    }
    opener.mac = { algorithm, key: decrypt(opener, macKey, 'the MAC key') };
  }
  return opener;
}

/** RFC 6030 6.2: the encryption key is PBKDF2 of the password with the document's parameters. */
function derivedKey(derived: Element, password: string): Uint8Array {
  const method = childNamed(derived, NS.xenc11, 'KeyDerivationMethod');
  const uri = method ? (attribute(method, 'Algorithm') ?? '') : '';
  if (!method || !PBKDF2_URIS.includes(uri)) {
    throw new PskcError('unknown-algorithm', `key derivation ${quote(uri)} is not supported (PBKDF2 only)`);
  }
  const params =
    childNamed(method, NS.pkcs5, 'PBKDF2-params') ?? childNamed(method, NS.xenc11, 'PBKDF2-params');
  if (!params) throw new PskcError('invalid', 'the key derivation has no PBKDF2-params');
  // RFC 6030's figure 7 leaves these children unqualified; XML Encryption 1.1 puts them in xenc11.
  const part = (name: string): Element => {
    const e = childNamed(params, null, name);
    if (!e) throw new PskcError('invalid', `the PBKDF2-params have no <${name}>`);
    return e;
  };
  const specified = childNamed(part('Salt'), null, 'Specified');
  if (!specified) throw new PskcError('unsupported', 'only a specified PBKDF2 salt is supported');
  const salt = base64ToBytes(textOf(specified), 'the PBKDF2 salt');
  const iterations = parseInteger(
    textOf(part('IterationCount')),
    'the PBKDF2 iteration count',
    1,
    MAX_PBKDF2_ITERATIONS,
  );
  const keyLength = parseInteger(textOf(part('KeyLength')), 'the PBKDF2 key length', 16, 32);
  const prfElement = childNamed(params, null, 'PRF');
  const prfUri = prfElement ? attribute(prfElement, 'Algorithm') : undefined;
  // An empty PRF is PKCS #5's default, HMAC-SHA-1.
  const prf = prfUri === undefined || prfUri === '' ? 'hmac-sha1' : macFromUri(prfUri);
  if (!prf)
    throw new PskcError('unknown-algorithm', `PBKDF2 function ${quote(prfUri ?? '')} is not supported`);
  return deriveKey(password, salt, iterations, keyLength, prf);
}

/** An xenc:EncryptedDataType element (EncryptedValue, MACKey): decrypted under the document key. */
function decrypt(opener: Opener, encrypted: Element, what: string): Uint8Array {
  const cipherValue = cipherValueOf(encrypted, what);
  const key = keyFor(opener, encrypted, what);
  const plain = decryptCbc(key, cipherValue);
  if (!plain) throw wrongKey(opener, what);
  return plain;
}

function cipherValueOf(encrypted: Element, what: string): Uint8Array {
  const cipherData = childNamed(encrypted, NS.xenc, 'CipherData');
  if (!cipherData) throw new PskcError('invalid', `${what} has no CipherData`);
  const value = childNamed(cipherData, NS.xenc, 'CipherValue');
  if (!value) throw new PskcError('unsupported', `${what} is not carried in a CipherValue`);
  return base64ToBytes(textOf(value), `the CipherValue of ${what}`);
}

function keyFor(opener: Opener, encrypted: Element, what: string): Uint8Array {
  const method = childNamed(encrypted, NS.xenc, 'EncryptionMethod');
  const uri = method ? (attribute(method, 'Algorithm') ?? '') : '';
  const bytes = CIPHER_KEY_BYTES[uri];
  if (bytes === undefined) {
    throw new PskcError(
      'unknown-algorithm',
      `${what} is encrypted with ${quote(uri)}; only AES-CBC is supported`,
    );
  }
  if (!opener.key) {
    throw new PskcError('invalid', `${what} is encrypted but the document names no EncryptionKey`);
  }
  if (opener.key.length !== bytes) {
    throw new PskcError(
      'wrong-key',
      `${what} needs a ${bytes * 8}-bit key, but the ${opener.protection === 'password' ? 'key made from the password' : 'pre-shared key'} has ${opener.key.length * 8} bits`,
    );
  }
  return opener.key;
}

function wrongKey(opener: Opener, what: string): PskcError {
  const key = opener.protection === 'password' ? 'password' : 'pre-shared key';
  return new PskcError('wrong-key', `${what} does not decrypt: the ${key} is wrong`);
}

/**
 * A Data child (RFC 6030 4.1): PlainValue, or EncryptedValue whose ValueMAC, an HMAC over the IV
 * and ciphertext under the MAC key, is checked before anything is decrypted.
 */
function dataValue(
  opener: Opener,
  element: Element,
  what: string,
): { plain: string } | { decrypted: Uint8Array } {
  const plain = childNamed(element, NS.pskc, 'PlainValue');
  if (plain) return { plain: textOf(plain) };
  const encrypted = childNamed(element, NS.pskc, 'EncryptedValue');
  if (!encrypted) throw new PskcError('invalid', `${what} has neither a PlainValue nor an EncryptedValue`);
  const cipherValue = cipherValueOf(encrypted, what);
  const key = keyFor(opener, encrypted, what);
  const valueMac = childNamed(element, NS.pskc, 'ValueMAC');
  if (valueMac && opener.mac) {
    const expected = base64ToBytes(textOf(valueMac), `the ValueMAC of ${what}`);
    if (!macMatches(opener.mac.algorithm, opener.mac.key, cipherValue, expected)) {
      throw new PskcError(
        'bad-mac',
        `the MAC of ${what} does not match: the file was altered, or the ${opener.protection === 'password' ? 'password' : 'pre-shared key'} is wrong`,
      );
    }
  } else if (!opener.options.allowMissingMac) {
    throw new PskcError(
      'no-mac',
      valueMac
        ? `${what} has a ValueMAC but the document has no MACMethod to check it with`
        : `${what} is encrypted without a ValueMAC, so it cannot be checked`,
    );
  }
  const decrypted = decryptCbc(key, cipherValue);
  if (!decrypted) throw wrongKey(opener, what);
  return { decrypted };
}

function integerValue(
  opener: Opener,
  element: Element | undefined,
  what: string,
  min: number,
  max: number,
): number | undefined {
  if (!element) return undefined;
  const v = dataValue(opener, element, what);
  if ('plain' in v) return parseInteger(v.plain, what, min, max);
  // An encrypted integer is its big-endian bytes, as other PSKC implementations write it.
  if (v.decrypted.length === 0 || v.decrypted.length > 6) {
    throw new PskcError('invalid', `${what} does not decrypt to an integer`);
  }
  const n = v.decrypted.reduce((acc, b) => acc * 256 + b, 0);
  return parseInteger(String(n), what, min, max);
}

function kindOf(uri: string | undefined, what: string): PskcKind {
  const kind = (Object.keys(KEY_ALGORITHM_URIS) as PskcKind[]).find((k) => KEY_ALGORITHM_URIS[k] === uri);
  if (!kind)
    throw new PskcError(
      'unknown-algorithm',
      `${what} uses the algorithm ${quote(uri ?? '')}, which is not supported`,
    );
  return kind;
}

const SUITE_HASHES = new Map<string, PskcHash>([
  ['SHA1', 'sha1'],
  ['SHA256', 'sha256'],
  ['SHA512', 'sha512'],
]);

/** Suite (RFC 6030 4.3.4) names the hash as vendors write it: SHA256, HMAC-SHA-256, hmac-sha256. */
function hashOf(suite: string | undefined, what: string): PskcHash {
  if (suite === undefined || suite === '') return 'sha1';
  const found = SUITE_HASHES.get(
    suite
      .toUpperCase()
      .replace(/^HMAC-?/, '')
      .replace('-', ''),
  );
  if (!found)
    throw new PskcError('unknown-algorithm', `${what} has the Suite ${quote(suite)}, which is not supported`);
  return found;
}

function optionalText(parent: Element | undefined, local: string): string | undefined {
  const e = parent ? childNamed(parent, NS.pskc, local) : undefined;
  return e ? textOf(e) : undefined;
}

function readKey(pkg: Element, keyElement: Element, id: string, opener: Opener): PskcKey {
  const what = `key ${quote(id)}`;
  const kind = kindOf(attribute(keyElement, 'Algorithm'), what);
  const params = childNamed(keyElement, NS.pskc, 'AlgorithmParameters');
  const algorithm = hashOf(optionalText(params, 'Suite'), what);
  const response = params ? childNamed(params, NS.pskc, 'ResponseFormat') : undefined;
  let digits = 6;
  if (response) {
    // Encoding is required by the schema; a writer that leaves it out means digits.
    const encoding = attribute(response, 'Encoding') ?? 'DECIMAL';
    if (encoding !== 'DECIMAL') {
      throw new PskcError(
        'unsupported',
        `${what} answers in ${quote(encoding ?? '')}; only DECIMAL codes are supported`,
      );
    }
    if (attribute(response, 'CheckDigits') === 'true' || attribute(response, 'CheckDigits') === '1') {
      throw new PskcError('unsupported', `${what} appends a check digit, which is not supported`);
    }
    const [min, max] = kind === 'pin' ? [1, 64] : [6, 9];
    digits = parseInteger(attribute(response, 'Length') ?? '', `the code length of ${what}`, min, max);
  }
  const data = childNamed(keyElement, NS.pskc, 'Data');
  const datum = (local: string) => (data ? childNamed(data, NS.pskc, local) : undefined);
  const secretElement = datum('Secret');
  let secret: Uint8Array | undefined;
  if (secretElement) {
    const v = dataValue(opener, secretElement, `the secret of ${what}`);
    if ('plain' in v) {
      if (!opener.options.allowPlaintext) {
        throw new PskcError(
          'plaintext',
          `${what} carries its secret in plain text (PlainValue), which is refused`,
        );
      }
      secret = base64ToBytes(v.plain, `the secret of ${what}`);
    } else {
      secret = v.decrypted;
    }
    if (secret.length === 0) throw new PskcError('invalid', `the secret of ${what} is empty`);
  }
  const keyReference = optionalText(keyElement, 'KeyReference');
  const keyProfileId = optionalText(keyElement, 'KeyProfileId');
  if (!secret && keyReference === undefined && keyProfileId === undefined) {
    throw new PskcError('invalid', `${what} carries no secret and names no KeyReference`);
  }
  const device = childNamed(pkg, NS.pskc, 'DeviceInfo');
  const key: PskcKey = {
    id,
    kind,
    serial: optionalText(device, 'SerialNo'),
    manufacturer: optionalText(device, 'Manufacturer'),
    issuer: optionalText(keyElement, 'Issuer'),
    algorithm,
    digits,
    secret,
    keyProfileId,
    keyReference,
    counter: integerValue(opener, datum('Counter'), `the counter of ${what}`, 0, Number.MAX_SAFE_INTEGER),
    time: integerValue(opener, datum('Time'), `the time of ${what}`, 0, INT32_MAX),
    timeInterval: integerValue(opener, datum('TimeInterval'), `the time interval of ${what}`, 1, INT32_MAX),
    timeDrift: integerValue(opener, datum('TimeDrift'), `the time drift of ${what}`, INT32_MIN, INT32_MAX),
    policy: readPolicy(childNamed(keyElement, NS.pskc, 'Policy'), what),
  };
  for (const k of Object.keys(key) as (keyof PskcKey)[]) if (key[k] === undefined) delete key[k];
  return key;
}

/** Policy (RFC 6030 5): kept as written, for the importer to act on. */
function readPolicy(policy: Element | undefined, what: string): PskcPolicy | undefined {
  if (!policy) return undefined;
  const date = (local: string): string | undefined => {
    const text = optionalText(policy, local);
    if (text !== undefined && Number.isNaN(Date.parse(text))) {
      throw new PskcError('invalid', `the ${local} of ${what} is not a date and time`);
    }
    return text;
  };
  const out: PskcPolicy = {
    keyUsage: childrenNamed(policy, NS.pskc, 'KeyUsage').map(textOf),
  };
  const startDate = date('StartDate');
  const expiryDate = date('ExpiryDate');
  if (startDate !== undefined) out.startDate = startDate;
  if (expiryDate !== undefined) out.expiryDate = expiryDate;
  const pin = childNamed(policy, NS.pskc, 'PINPolicy');
  if (pin) {
    const count = (name: string) => {
      const v = attribute(pin, name);
      return v === undefined ? undefined : parseInteger(v, `the PIN ${name} of ${what}`, 0, INT32_MAX);
    };
    out.pin = {
      pinKeyId: attribute(pin, 'PINKeyId'),
      usageMode: attribute(pin, 'PINUsageMode'),
      minLength: count('MinLength'),
      maxLength: count('MaxLength'),
      maxFailedAttempts: count('MaxFailedAttempts'),
      encoding: attribute(pin, 'PINEncoding'),
    };
    for (const k of Object.keys(out.pin) as (keyof typeof out.pin)[]) {
      if (out.pin[k] === undefined) delete out.pin[k];
    }
  }
  return out;
}
