/** XML namespaces (RFC 6030 section 4 and the XML Encryption and Signature specifications). */
export const NS = {
  pskc: 'urn:ietf:params:xml:ns:keyprov:pskc',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  xenc11: 'http://www.w3.org/2009/xmlenc11#',
  pkcs5: 'http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#',
} as const;

/** Key algorithm profiles: HOTP and PIN (RFC 6030 section 10), TOTP (the PSKC algorithm profiles). */
export const KEY_ALGORITHM_URIS = {
  hotp: 'urn:ietf:params:xml:ns:keyprov:pskc:hotp',
  totp: 'urn:ietf:params:xml:ns:keyprov:pskc:totp',
  pin: 'urn:ietf:params:xml:ns:keyprov:pskc:pin',
} as const;

/** Block ciphers for EncryptedValue and MACKey (XML Encryption 5.2), with their key lengths. */
export const CIPHER_KEY_BYTES: Readonly<Record<string, number>> = {
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc': 16,
  'http://www.w3.org/2001/04/xmlenc#aes192-cbc': 24,
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc': 32,
};
export const AES128_CBC = 'http://www.w3.org/2001/04/xmlenc#aes128-cbc';

export type MacAlgorithm = 'hmac-sha1' | 'hmac-sha256' | 'hmac-sha512';

/** MACMethod algorithms (RFC 6030 6.1.1) and PBKDF2 PRFs, by URI (RFC 3275, RFC 6931). */
export const MAC_URIS: Readonly<Record<MacAlgorithm, string>> = {
  'hmac-sha1': 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  'hmac-sha256': 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256',
  'hmac-sha512': 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha512',
};

export function macFromUri(uri: string): MacAlgorithm | undefined {
  return (Object.keys(MAC_URIS) as MacAlgorithm[]).find((m) => MAC_URIS[m] === uri);
}

/** PBKDF2 as RFC 6030 6.2 names it, and as XML Encryption 1.1 does. */
export const PBKDF2_URIS: readonly string[] = [
  'http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2',
  'http://www.w3.org/2009/xmlenc11#pbkdf2',
];
