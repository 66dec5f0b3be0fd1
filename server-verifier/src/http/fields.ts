import { type TSchema, Type } from 'typebox';

/**
 * The request fields at the HTTP edge, as JSON Schema. They bound sizes and shapes (so nothing
 * huge or odd reaches the verifier or the logs); the verifier still checks meaning. Every object
 * refuses unknown fields, so a misspelt optional field does not pass silently.
 */

/** No control characters (C0 and DEL). `validation-errors.ts` names this pattern in its message. */
export const NO_CONTROL = '^[^\\u0000-\\u001F\\u007F]*$';

const text = (maxLength: number, description: string, pattern = NO_CONTROL) =>
  Type.String({ minLength: 1, maxLength, pattern, description });

export const LoginId = text(64, 'NemID number, CPR number (DDMMYY-SSSS or 10 digits) or self-chosen user id');
export const UserId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
  description: "The verifier's internal user id, from a log-on result",
});
export const Password = text(128, 'The password (or 4-digit PIN) as typed');
export const ProviderId = text(64, 'A registered service provider', '^[A-Za-z0-9._:-]+$');
export const ChallengeId = text(64, 'The challenge being answered', '^[A-Za-z0-9_-]+$');
export const Key = text(16, 'The key from the key card or the code from the key display', '^[0-9 ]+$');
export const Ip = Type.String({
  maxLength: 45,
  format: 'ip',
  description: "The end user's IP address as the backend saw it (S-1 log; rate limits)",
});
export const Site = text(253, 'Host name of the site, for the opt-in site log (S-1)', '^[A-Za-z0-9.-]+$');
export const Transactions = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
  minItems: 1,
  maxItems: 100,
  description: 'The texts shown to the user, exactly as shown; one key approves them all (KC-7)',
});
export const CardNumber = text(16, 'A key-card number, like A123-456-789', '^[A-Za-z0-9 -]+$');
export const TokenSerial = text(24, 'A key-display serial, 16 digits (spaces allowed)', '^[0-9 ]+$');
export const HexSecret = Type.String({
  minLength: 20,
  maxLength: 256,
  pattern: '^([0-9a-fA-F]{2})+$',
  description: 'A secret in hex',
});
export const Reason = text(200, 'Why (kept in the audit log)');
export const Instant = Type.Integer({ minimum: 0, description: 'Milliseconds since the Unix epoch' });

/** A JSON object with exactly these fields (optional ones marked with Type.Optional). */
export function Body<T extends Record<string, TSchema>>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

/** The fields every start of a log-on, signing or self-service action takes for the user's log. */
export const Origin = { ip: Type.Optional(Ip), site: Type.Optional(Site) };
