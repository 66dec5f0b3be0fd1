import { DOMImplementation, type Document, type Element, XMLSerializer } from '@xmldom/xmldom';
import { deriveKey, encryptCbc, MAC_KEY_BYTES, mac } from './crypto.js';
import { bytesToBase64 } from './encoding.js';
import type { PskcHash } from './types.js';
import { AES128_CBC, KEY_ALGORITHM_URIS, MAC_URIS, type MacAlgorithm, NS, PBKDF2_URIS } from './uris.js';

/** One OTP key to deliver. */
export interface PskcKeyInput {
  /** Key/@Id; default the serial, else the key's position (1, 2, ...). */
  id?: string;
  kind: 'hotp' | 'totp';
  serial?: string;
  manufacturer?: string;
  issuer?: string;
  /** Default 'sha1'. */
  algorithm?: PskcHash;
  /** Default 6. */
  digits?: number;
  secret: Uint8Array;
  /** HOTP: the counter of the next code; default 0. */
  counter?: number;
  /** TOTP: T0, unix seconds; default 0. */
  time?: number;
  /** TOTP: the step in seconds; default 30. */
  timeInterval?: number;
  /** TOTP: device steps minus server steps; written only when given. */
  timeDrift?: number;
}

export interface PskcWriteOptions {
  /** The 16-byte AES-128 pre-shared key (RFC 6030 6.1). Give this or `password`. */
  psk?: Uint8Array;
  /** A password from which PBKDF2 makes the AES-128 key (RFC 6030 6.2). */
  password?: string;
  /** PBKDF2 rounds with `password`; default 100,000. */
  iterations?: number;
  /** ds:KeyName or MasterKeyName: what the receiver calls the key; default "Pre-shared-key" or "Password". */
  keyName?: string;
  /** Default 'hmac-sha1' (RFC 6030's examples, and what other servers expect). */
  mac?: MacAlgorithm;
  /** Random bytes for IVs, the MAC key and the salt: node:crypto's randomBytes, or a seeded source in tests. */
  random: (bytes: number) => Uint8Array;
  /** KeyContainer/@Id. */
  id?: string;
}

const AES128_KEY_BYTES = 16;
const IV_BYTES = 16;
const SALT_BYTES = 16;
export const DEFAULT_PBKDF2_ITERATIONS = 100_000;
const INT32_MAX = 2 ** 31 - 1;

/** An element to write: qualified name, namespace, attributes, then text or children. */
interface Node {
  name: string;
  ns: string | null;
  attrs?: Record<string, string>;
  text?: string;
  children?: (Node | undefined)[];
}

const pskc = (
  name: string,
  content?: string | (Node | undefined)[],
  attrs?: Record<string, string>,
): Node => ({
  name: `pskc:${name}`,
  ns: NS.pskc,
  attrs,
  ...(typeof content === 'string' ? { text: content } : { children: content }),
});

function checkInteger(what: string, x: number, min: number, max: number): number {
  if (!(Number.isSafeInteger(x) && x >= min && x <= max)) {
    throw new RangeError(`${what} must be a whole number from ${min} to ${max}`);
  }
  return x;
}

/**
 * Writes a PSKC document (RFC 6030) in which every secret is encrypted with AES-128-CBC under the
 * pre-shared key or a PBKDF2 key, and carries a ValueMAC under a random MAC key that travels
 * encrypted in MACMethod. Counters and times are written in plain text, as in RFC 6030's examples.
 */
export function writePskc(keys: readonly PskcKeyInput[], options: PskcWriteOptions): string {
  if ((options.psk === undefined) === (options.password === undefined)) {
    throw new RangeError('give either a pre-shared key or a password, not both');
  }
  if (keys.length === 0) throw new RangeError('a PSKC document needs at least one key');
  const random = (n: number): Uint8Array => {
    const bytes = options.random(n);
    if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
      throw new TypeError(`random(${n}) must return ${n} bytes`);
    }
    return bytes;
  };
  const macAlgorithm = options.mac ?? 'hmac-sha1';
  if (!Object.hasOwn(MAC_URIS, macAlgorithm)) throw new RangeError(`unknown MAC algorithm ${macAlgorithm}`);

  let key: Uint8Array;
  let encryptionKey: Node;
  if (options.psk !== undefined) {
    if (options.psk.length !== AES128_KEY_BYTES)
      throw new RangeError('the pre-shared key must be 16 bytes (AES-128)');
    key = options.psk;
    encryptionKey = pskc('EncryptionKey', [
      { name: 'ds:KeyName', ns: NS.ds, text: options.keyName ?? 'Pre-shared-key' },
    ]);
  } else {
    const password = options.password ?? '';
    if (password.length === 0) throw new RangeError('the password must not be empty');
    const iterations = checkInteger(
      'iterations',
      options.iterations ?? DEFAULT_PBKDF2_ITERATIONS,
      1000,
      10_000_000,
    );
    const salt = random(SALT_BYTES);
    key = deriveKey(password, salt, iterations, AES128_KEY_BYTES, 'hmac-sha1');
    const plain = (name: string, content: string | Node[]): Node =>
      typeof content === 'string' ? { name, ns: null, text: content } : { name, ns: null, children: content };
    encryptionKey = pskc('EncryptionKey', [
      {
        name: 'xenc11:DerivedKey',
        ns: NS.xenc11,
        children: [
          {
            name: 'xenc11:KeyDerivationMethod',
            ns: NS.xenc11,
            attrs: { Algorithm: PBKDF2_URIS[0] },
            children: [
              {
                // Unqualified children, as in RFC 6030's figure 7.
                name: 'pkcs5:PBKDF2-params',
                ns: NS.pkcs5,
                children: [
                  plain('Salt', [plain('Specified', bytesToBase64(salt))]),
                  plain('IterationCount', String(iterations)),
                  plain('KeyLength', String(AES128_KEY_BYTES)),
                  { name: 'PRF', ns: null },
                ],
              },
            ],
          },
          { name: 'xenc11:MasterKeyName', ns: NS.xenc11, text: options.keyName ?? 'Password' },
        ],
      },
    ]);
  }

  const encrypt = (plaintext: Uint8Array): Uint8Array => encryptCbc(key, random(IV_BYTES), plaintext);
  // xenc:EncryptedDataType, as MACKey and EncryptedValue are.
  const encrypted = (name: string, cipherValue: Uint8Array): Node =>
    pskc(name, [
      { name: 'xenc:EncryptionMethod', ns: NS.xenc, attrs: { Algorithm: AES128_CBC } },
      {
        name: 'xenc:CipherData',
        ns: NS.xenc,
        children: [{ name: 'xenc:CipherValue', ns: NS.xenc, text: bytesToBase64(cipherValue) }],
      },
    ]);

  const macKey = random(MAC_KEY_BYTES[macAlgorithm]);
  const macMethod = pskc('MACMethod', [encrypted('MACKey', encrypt(macKey))], {
    Algorithm: MAC_URIS[macAlgorithm],
  });
  // The ValueMAC covers the IV and the ciphertext (RFC 6030 6.1.1), so it is checked before decrypting.
  const secretValue = (secret: Uint8Array): Node => {
    const cipherValue = encrypt(secret);
    return pskc('Secret', [
      encrypted('EncryptedValue', cipherValue),
      pskc('ValueMAC', bytesToBase64(mac(macAlgorithm, macKey, cipherValue))),
    ]);
  };
  const plainInt = (name: string, value: number | undefined): Node | undefined =>
    value === undefined ? undefined : pskc(name, [pskc('PlainValue', String(value))]);

  const packages = keys.map((k, i) => {
    const what = `key ${i + 1}`;
    if (k.kind !== 'hotp' && k.kind !== 'totp') throw new RangeError(`${what}: kind must be hotp or totp`);
    if (!(k.secret instanceof Uint8Array) || k.secret.length === 0)
      throw new RangeError(`${what}: the secret is empty`);
    const digits = checkInteger(`${what}: digits`, k.digits ?? 6, 6, 9);
    const hash = k.algorithm ?? 'sha1';
    if (!['sha1', 'sha256', 'sha512'].includes(hash))
      throw new RangeError(`${what}: unknown algorithm ${hash}`);
    const totp = k.kind === 'totp';
    const data = [
      secretValue(k.secret),
      plainInt(
        'Counter',
        totp ? undefined : checkInteger(`${what}: counter`, k.counter ?? 0, 0, Number.MAX_SAFE_INTEGER),
      ),
      plainInt('Time', totp ? checkInteger(`${what}: time`, k.time ?? 0, 0, INT32_MAX) : undefined),
      plainInt(
        'TimeInterval',
        totp ? checkInteger(`${what}: time interval`, k.timeInterval ?? 30, 1, INT32_MAX) : undefined,
      ),
      plainInt(
        'TimeDrift',
        totp && k.timeDrift !== undefined
          ? checkInteger(`${what}: time drift`, k.timeDrift, -INT32_MAX, INT32_MAX)
          : undefined,
      ),
    ];
    const deviceInfo =
      k.manufacturer === undefined && k.serial === undefined
        ? undefined
        : pskc('DeviceInfo', [
            k.manufacturer === undefined ? undefined : pskc('Manufacturer', k.manufacturer),
            k.serial === undefined ? undefined : pskc('SerialNo', k.serial),
          ]);
    return pskc('KeyPackage', [
      deviceInfo,
      pskc(
        'Key',
        [
          k.issuer === undefined ? undefined : pskc('Issuer', k.issuer),
          pskc('AlgorithmParameters', [
            pskc('Suite', `HMAC-${hash.toUpperCase()}`),
            pskc('ResponseFormat', undefined, { Length: String(digits), Encoding: 'DECIMAL' }),
          ]),
          pskc('Data', data),
        ],
        { Id: k.id ?? k.serial ?? String(i + 1), Algorithm: KEY_ALGORITHM_URIS[k.kind] },
      ),
    ]);
  });

  const doc = new DOMImplementation().createDocument(NS.pskc, 'pskc:KeyContainer', null);
  const root = doc.documentElement as Element;
  root.setAttribute('Version', '1.0');
  if (options.id !== undefined) root.setAttribute('Id', options.id);
  const xmlns = 'http://www.w3.org/2000/xmlns/';
  root.setAttributeNS(xmlns, 'xmlns:pskc', NS.pskc);
  root.setAttributeNS(xmlns, 'xmlns:ds', NS.ds);
  root.setAttributeNS(xmlns, 'xmlns:xenc', NS.xenc);
  if (options.password !== undefined) {
    root.setAttributeNS(xmlns, 'xmlns:xenc11', NS.xenc11);
    root.setAttributeNS(xmlns, 'xmlns:pkcs5', NS.pkcs5);
  }
  appendChildren(doc, root, [encryptionKey, macMethod, ...packages], 1);
  root.appendChild(doc.createTextNode('\n'));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}\n`;
}

/** Builds the nodes under `parent`, indented two spaces a level, as the RFC's examples are. */
function appendChildren(doc: Document, parent: Element, nodes: (Node | undefined)[], depth: number): void {
  for (const n of nodes) {
    if (!n) continue;
    parent.appendChild(doc.createTextNode(`\n${'  '.repeat(depth)}`));
    const e = doc.createElementNS(n.ns, n.name);
    for (const [name, value] of Object.entries(n.attrs ?? {})) e.setAttribute(name, value);
    if (n.text !== undefined) e.appendChild(doc.createTextNode(n.text));
    if (n.children?.some((c) => c)) {
      appendChildren(doc, e, n.children, depth + 1);
      e.appendChild(doc.createTextNode(`\n${'  '.repeat(depth)}`));
    }
    parent.appendChild(e);
  }
}
