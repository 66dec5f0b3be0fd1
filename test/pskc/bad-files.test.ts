import { closeSync, mkdtempSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PskcError,
  type PskcErrorCode,
  parsePskc,
  readPskcFile,
  readPskFile,
  writePskc,
} from '@nemid-sim/pskc';
import { describe, expect, it } from 'vitest';
import { hex, seededRandom } from './helpers.js';
import { FIGURE_3, FIGURE_6 } from './rfc6030-figures.js';

const PSK = hex('12345678901234567890123456789012');
const SECRET_HEX = '3132333435363738393031323334353637383930';

/** The error a document is refused with: its code and its one-line message. */
function refusal(fn: () => unknown): { code: PskcErrorCode; message: string } {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof PskcError)) throw err;
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain(SECRET_HEX);
    expect(err.message).not.toContain('MTIzNDU2Nzg5MDEyMzQ1Njc4OTA');
    return { code: err.code, message: err.message };
  }
  throw new Error('the document was accepted');
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
  <KeyPackage><Key Id="1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp">
    <Issuer>&lol9;</Issuer>
  </Key></KeyPackage>
</KeyContainer>`;

describe('documents that are refused, each with one clear sentence', () => {
  it('truncated: not well-formed XML', () => {
    const r = refusal(() => parsePskc(FIGURE_6.slice(0, FIGURE_6.length / 2), { psk: PSK }));
    expect(r.code).toBe('not-xml');
    expect(r.message).toMatch(/^the document is not well-formed XML \(.+\)$/);
    expect(refusal(() => parsePskc('')).code).toBe('not-xml');
  });

  it('a billion laughs: the DTD is refused and no entity is expanded', () => {
    const r = refusal(() => parsePskc(BILLION_LAUGHS, {}, { allowPlaintext: true }));
    expect(r).toEqual({
      code: 'dtd',
      message:
        'the document has a document type declaration (<!DOCTYPE>); PSKC files never need one, so it is refused',
    });
  });

  it('external entities and external DTDs are refused, and nothing is fetched or read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nemid-xxe-'));
    const leak = join(dir, 'leak.txt');
    writeFileSync(leak, 'THE-LEAKED-FILE');
    const xxe = FIGURE_3.replace(
      '<KeyContainer',
      `<!DOCTYPE KeyContainer [<!ENTITY xxe SYSTEM "file://${leak}">]>\n<KeyContainer`,
    ).replace('<Issuer>Issuer</Issuer>', '<Issuer>&xxe;</Issuer>');
    expect(refusal(() => parsePskc(xxe, {}, { allowPlaintext: true })).code).toBe('dtd');
    const external = FIGURE_3.replace(
      '<KeyContainer',
      '<!DOCTYPE KeyContainer SYSTEM "http://127.0.0.1:9/x.dtd">\n<KeyContainer',
    );
    expect(refusal(() => parsePskc(external, {}, { allowPlaintext: true })).code).toBe('dtd');
    // Without a DTD an undeclared entity is an error, not an empty string or a lookup.
    const undeclared = FIGURE_3.replace('<Issuer>Issuer</Issuer>', '<Issuer>&xxe;</Issuer>');
    expect(refusal(() => parsePskc(undeclared, {}, { allowPlaintext: true })).code).toBe('not-xml');
  });

  it('a wrong MAC, a missing MAC, another key', () => {
    const wrongMac = FIGURE_6.replace('Su+NvtQfmvfJzF6bmQiJqoLRExc=', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    expect(refusal(() => parsePskc(wrongMac, { psk: PSK }))).toEqual({
      code: 'bad-mac',
      message:
        'the MAC of the secret of key "12345678" does not match: the file was altered, or the pre-shared key is wrong',
    });
    const noValueMac = FIGURE_6.replace(/<ValueMAC>[^<]*<\/ValueMAC>/, '');
    expect(refusal(() => parsePskc(noValueMac, { psk: PSK })).code).toBe('no-mac');
    expect(parsePskc(noValueMac, { psk: PSK }, { allowMissingMac: true }).keys[0].secret).toEqual(
      hex(SECRET_HEX),
    );
    const noMacMethod = FIGURE_6.replace(/<MACMethod[\s\S]*<\/MACMethod>/, '');
    expect(refusal(() => parsePskc(noMacMethod, { psk: PSK })).message).toBe(
      'the secret of key "12345678" has a ValueMAC but the document has no MACMethod to check it with',
    );
    const wrong = refusal(() => parsePskc(FIGURE_6, { psk: hex('00000000000000000000000000000000') }));
    expect(['wrong-key', 'bad-mac']).toContain(wrong.code);
    expect(refusal(() => parsePskc(FIGURE_6, { psk: hex('0011') })).code).toBe('wrong-key');
  });

  it('unknown algorithms: refused, or left out and listed with skipUnsupportedKeys', () => {
    const ocra = FIGURE_3.replace('pskc:hotp', 'pskc:ocra');
    expect(refusal(() => parsePskc(ocra, {}, { allowPlaintext: true }))).toEqual({
      code: 'unknown-algorithm',
      message:
        'key "12345678" uses the algorithm "urn:ietf:params:xml:ns:keyprov:pskc:ocra", which is not supported',
    });
    const skipped = parsePskc(
      FIGURE_3.replace('</KeyPackage>', `</KeyPackage>${ocraPackage()}`),
      {},
      {
        allowPlaintext: true,
        skipUnsupportedKeys: true,
      },
    );
    expect(skipped.keys.map((k) => k.id)).toEqual(['12345678']);
    expect(skipped.skipped).toEqual([
      {
        id: 'X1',
        reason:
          'key "X1" uses the algorithm "urn:ietf:params:xml:ns:keyprov:pskc:ocra", which is not supported',
      },
    ]);
    const md5 = FIGURE_3.replace('<AlgorithmParameters>', '<AlgorithmParameters><Suite>HMAC-MD5</Suite>');
    expect(refusal(() => parsePskc(md5, {}, { allowPlaintext: true })).code).toBe('unknown-algorithm');
    const macMd5 = FIGURE_6.replace('xmldsig#hmac-sha1', 'xmldsig#hmac-md5');
    expect(refusal(() => parsePskc(macMd5, { psk: PSK })).code).toBe('unknown-algorithm');
    const des = FIGURE_6.replaceAll('xmlenc#aes128-cbc', 'xmlenc#tripledes-cbc');
    expect(refusal(() => parsePskc(des, { psk: PSK })).code).toBe('unknown-algorithm');
    const hex8 = FIGURE_3.replace('Encoding="DECIMAL"', 'Encoding="HEXADECIMAL"');
    expect(refusal(() => parsePskc(hex8, {}, { allowPlaintext: true })).code).toBe('unsupported');
  });

  it('a plain-text secret unless allowed; a document that is not PSKC; another version', () => {
    expect(refusal(() => parsePskc(FIGURE_3)).message).toBe(
      'key "12345678" carries its secret in plain text (PlainValue), which is refused',
    );
    expect(refusal(() => parsePskc('<a/>')).message).toBe(
      'not a PSKC document: its root element is <a>, not <KeyContainer> in urn:ietf:params:xml:ns:keyprov:pskc',
    );
    expect(refusal(() => parsePskc(FIGURE_3.replace('Version="1.0"', 'Version="2.0"'))).code).toBe(
      'unsupported',
    );
    expect(refusal(() => parsePskc(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]))).message).toBe(
      'the document is not UTF-8 text',
    );
    const badCounter = FIGURE_3.replace('<PlainValue>0</PlainValue>', '<PlainValue>zero</PlainValue>');
    expect(refusal(() => parsePskc(badCounter, {}, { allowPlaintext: true })).message).toBe(
      'the counter of key "12345678" is not a whole number',
    );
  });

  it('too large: refused from its length before it is parsed', () => {
    expect(refusal(() => parsePskc(FIGURE_3, {}, { maxBytes: 100 })).message).toBe(
      `the document is ${Buffer.byteLength(FIGURE_3)} bytes, more than the 100 bytes a PSKC file may have here`,
    );
  });

  it('a 100 MB file is refused by its size on disk, before it is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nemid-big-'));
    const big = join(dir, 'big.xml');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 100 * 1024 * 1024); // sparse: takes no disk
    const before = process.memoryUsage().arrayBuffers;
    expect(refusal(() => readPskcFile(big)).message).toBe(
      'the document is 104857600 bytes, more than the 33554432 bytes a PSKC file may have here',
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('the file readers: a PSKC file round trip, and a pre-shared key file that is not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nemid-pskfile-'));
    const file = join(dir, 'd.xml');
    writeFileSync(
      file,
      writePskc([{ kind: 'hotp', secret: hex(SECRET_HEX) }], { psk: PSK, random: seededRandom(1) }),
    );
    expect(parsePskc(readPskcFile(file), { psk: PSK }).keys[0].secret).toEqual(hex(SECRET_HEX));
    const keyFile = join(dir, 'k');
    writeFileSync(keyFile, '12345678901234567890123456789012\n');
    expect(readPskFile(keyFile)).toEqual(PSK);
    writeFileSync(keyFile, 'not a key, and a secret');
    expect(() => readPskFile(keyFile)).toThrow(
      `${keyFile} is not a pre-shared key file (32 hex digits; make one with: nemid keygen --psk --out FILE)`,
    );
  });
});

function ocraPackage(): string {
  return `<KeyPackage><Key Id="X1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:ocra"><Data><Secret><PlainValue>MTIzNA==</PlainValue></Secret></Data></Key></KeyPackage>`;
}
