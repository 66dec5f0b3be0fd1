import type { MacAlgorithm } from './uris.js';

/** The key algorithm profile: RFC 4226 HOTP, RFC 6238 TOTP, or a PIN (RFC 6030 10.2). */
export type PskcKind = 'hotp' | 'totp' | 'pin';
/** The HMAC hash of an OTP key, from AlgorithmParameters/Suite (SHA-1 when there is none). */
export type PskcHash = 'sha1' | 'sha256' | 'sha512';

/** Policy/PINPolicy (RFC 6030 5.1): how the device checks a PIN before showing a code. */
export interface PskcPinPolicy {
  pinKeyId?: string;
  usageMode?: string;
  minLength?: number;
  maxLength?: number;
  maxFailedAttempts?: number;
  encoding?: string;
}

/** Policy (RFC 6030 5): dates as written in the document (xs:dateTime), uses, and PIN policy. */
export interface PskcPolicy {
  startDate?: string;
  expiryDate?: string;
  keyUsage: string[];
  pin?: PskcPinPolicy;
}

/** One key as read from a document; every secret in it has been MAC-checked and decrypted. */
export interface PskcKey {
  /** Key/@Id (RFC 6030 4.1). */
  id: string;
  kind: PskcKind;
  /** DeviceInfo/SerialNo and Manufacturer (RFC 6030 4.3.1). */
  serial?: string;
  manufacturer?: string;
  issuer?: string;
  /** From AlgorithmParameters/Suite (RFC 6030 4.3.4); 'sha1' when no Suite is given. */
  algorithm: PskcHash;
  /** AlgorithmParameters/ResponseFormat/@Length; 6 when the document gives no ResponseFormat. */
  digits: number;
  /**
   * Data/Secret (RFC 6030 4.1). Absent only for a key that the document does not carry but names
   * (KeyReference, KeyProfileId: RFC 6030 4.4, its figure 4), which a verifier cannot use.
   */
  secret?: Uint8Array;
  keyProfileId?: string;
  keyReference?: string;
  /** Data/Counter: HOTP's moving factor. Absent when the document gives none (then 0). */
  counter?: number;
  /** Data/Time: for TOTP, T0 in unix seconds (0 when absent). */
  time?: number;
  /** Data/TimeInterval: the TOTP step in seconds (30 when absent). */
  timeInterval?: number;
  /** Data/TimeDrift: device time steps minus server time steps, as last seen (0 when absent). */
  timeDrift?: number;
  policy?: PskcPolicy;
}

/** How the document protects its secrets (RFC 6030 6.1, 6.2), or that it does not. */
export type PskcProtection = 'plaintext' | 'pre-shared-key' | 'password';

export interface PskcDocument {
  /** KeyContainer/@Id. */
  id?: string;
  keys: PskcKey[];
  /** Keys left out with `skipUnsupportedKeys`, and why. */
  skipped: { id: string; reason: string }[];
  protection: PskcProtection;
  /** The MACMethod that every encrypted value was checked with. */
  mac?: MacAlgorithm;
}
