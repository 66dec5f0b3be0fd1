/** What went wrong, for callers that act on the kind of problem (an HTTP status, an exit code). */
export type PskcErrorCode =
  /** Larger than the reader accepts; refused before it is parsed. */
  | 'too-large'
  /** Not UTF-8, or not well-formed XML (a truncated file ends here). */
  | 'not-xml'
  /** A document type declaration: refused, so no entity is ever expanded or fetched. */
  | 'dtd'
  /** Well-formed XML, but not a PSKC KeyContainer, or breaking RFC 6030's rules. */
  | 'invalid'
  /** Valid PSKC that this reader does not handle (asymmetric keys, key wrap, another version). */
  | 'unsupported'
  /** A key, Suite or MAC algorithm that is not known. */
  | 'unknown-algorithm'
  /** A secret in plain text, refused unless allowed. */
  | 'plaintext'
  /** An encrypted value without a MAC, refused unless allowed. */
  | 'no-mac'
  /** A ValueMAC that does not match: the file was altered or the key is wrong. */
  | 'bad-mac'
  /** A value that does not decrypt: the pre-shared key or password is wrong. */
  | 'wrong-key'
  /** The document is encrypted and the key or password it needs was not given. */
  | 'key-needed';

/**
 * A problem with a PSKC document, in one sentence that never contains a secret. A RangeError, so
 * the command line reports it as bad input (one line, exit code 2).
 */
export class PskcError extends RangeError {
  override readonly name = 'PskcError';
  constructor(
    readonly code: PskcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A value from the document for an error message: quoted (JSON escapes line breaks) and cut short. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
