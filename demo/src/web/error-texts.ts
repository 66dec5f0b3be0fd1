import { ERROR_TEXTS, type ErrorCode } from '@nemid-sim/server-verifier';
import type { Lang } from '../lang.js';

type Factor = 'card' | 'token' | undefined;
type Text = string | ((factor: Factor) => string);

/**
 * What the log-on dialog says for each of DanID's codes, in Danish and English. The code is shown
 * with the text, as DanID's dialog did, so support can tell what happened.
 */
const DA: Record<ErrorCode, Text> = {
  AUTH001: 'Forkert bruger-id eller adgangskode.',
  AUTH002: (f) =>
    f === 'token'
      ? 'Forkert kode. Tryk på knappen på nøgleviseren, og indtast den nye kode.'
      : 'Forkert nøgle. Tjek kortnummeret og nøglenummeret, og prøv igen.',
  AUTH003: 'Log-på er udløbet eller allerede brugt. Start forfra.',
  AUTH004: (f) =>
    f === 'token'
      ? 'Din nøgleviser er midlertidigt spærret efter for mange forkerte koder. Prøv igen om en time.'
      : 'Dit nøglekort er midlertidigt spærret efter for mange forkerte nøgler. Prøv igen om en time.',
  AUTH005: 'Din NemID er spærret. Kontakt NemID-support.',
  AUTH006: 'Du har ingen nøgler tilbage og intet nyt nøglekort. Bestil et nyt nøglekort.',
  AUTH007: 'Din adgangskode er spærret. Bestil en ny midlertidig adgangskode.',
  AUTH008: (f) => (f === 'token' ? 'Nøgleviseren er spærret.' : 'Nøglekortet er spærret.'),
  AUTH009: 'Overførslerne er ikke de samme, som nøglen blev bedt om til. Godkend dem igen.',
  AUTH010: (f) =>
    f === 'token'
      ? 'Koden er brugt før. Tryk på knappen på nøgleviseren for en ny kode.'
      : 'Nøglen er brugt før. Brug nøglen til det nøglenummer, vi beder om.',
  AUTH011: 'Tryk på knappen igen, og indtast den næste kode fra din nøgleviser.',
  AUTH012: 'Din NemID kan ikke bruges her (kun i banken).',
  LOCK001:
    'Du har tastet forkert bruger-id eller adgangskode for mange gange. Din adgangskode er spærret i 8 timer.',
  LOCK002: 'Din adgangskode er spærret permanent efter for mange forkerte forsøg. Bestil en ny.',
  LOCK003: (f) =>
    f === 'token'
      ? 'For mange forkerte koder: din nøgleviser er tilbagekaldt.'
      : 'For mange forkerte nøgler: dit nøglekort er tilbagekaldt.',
  UNAVAILABLE: 'NemID er utilgængelig et øjeblik. Prøv igen.',
  WRONG_MASTER_KEY: 'NemID er utilgængelig. Kontakt banken.',
  INVALID_INPUT: 'Udfyld felterne rigtigt, og prøv igen.',
  NOT_FOUND: 'Det findes ikke.',
  CONFLICT: 'Det kan ikke lade sig gøre lige nu.',
};

const EN: Record<ErrorCode, Text> = {
  AUTH001: 'Wrong user id or password.',
  AUTH002: (f) =>
    f === 'token'
      ? 'Wrong code. Press the button on the key display and enter the new code.'
      : 'Wrong key. Check the card number and the key number, and try again.',
  AUTH003: 'The log-on has expired or was already used. Please start again.',
  AUTH004: (f) =>
    f === 'token'
      ? 'Your key display is blocked for a while after too many wrong codes. Try again in an hour.'
      : 'Your key card is blocked for a while after too many wrong keys. Try again in an hour.',
  AUTH005: 'Your NemID is blocked. Please contact NemID support.',
  AUTH006: 'You have no keys left and no next key card. Please order a new key card.',
  AUTH007: 'Your password is revoked. Please ask for a new temporary password.',
  AUTH008: (f) => (f === 'token' ? 'The key display is blocked.' : 'The key card is blocked.'),
  AUTH009: 'The transfers differ from the ones the key was asked for. Please approve them again.',
  AUTH010: (f) =>
    f === 'token'
      ? 'That code has been used before. Press the button on the key display for a new code.'
      : 'That key has been used before. Please use the key for the key number asked for.',
  AUTH011: 'Press the button again and enter the next code from your key display.',
  AUTH012: 'Your NemID cannot be used here (only at your bank).',
  LOCK001: 'Too many wrong user ids or passwords: your password is locked for 8 hours.',
  LOCK002: 'Your password is locked for good after too many wrong tries. Please order a new one.',
  LOCK003: (f) =>
    f === 'token'
      ? 'Too many wrong codes: your key display is revoked.'
      : 'Too many wrong keys: your key card is revoked.',
  UNAVAILABLE: 'NemID is unavailable for a moment. Please try again.',
  WRONG_MASTER_KEY: 'NemID is unavailable. Please contact the bank.',
  INVALID_INPUT: 'Please fill in the fields correctly and try again.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'That cannot be done right now.',
};

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_TEXTS, code);
}

export function errorText(code: ErrorCode, factor: Factor, lang: Lang): string {
  const t = (lang === 'da' ? DA : EN)[code];
  return typeof t === 'function' ? t(factor) : t;
}

/**
 * ID-4's rules explained in Danish: the verifier's `passwordProblem` says what is wrong in English
 * (for developers); the page shows these. Keyed by the verifier's sentence; an unknown one is
 * shown as it is.
 */
const PASSWORD_PROBLEMS_DA: Record<string, string> = {
  'a password is 6-40 characters, or a 4-digit PIN': 'En adgangskode er 6-40 tegn eller en kode på 4 cifre.',
  'a password must mix letters and digits': 'En adgangskode skal have både bogstaver og tal.',
  'a password must not hold control characters': 'En adgangskode må ikke indeholde styretegn.',
  'a 4-digit password must not be one digit repeated':
    'En 4-cifret kode må ikke være det samme ciffer fire gange.',
  'a 4-digit password must not be a run like 1234': 'En 4-cifret kode må ikke være en række som 1234.',
  'a 4-digit password must not be part of your CPR number':
    'En 4-cifret kode må ikke være en del af dit CPR-nummer.',
};

export function passwordProblemText(problem: string, lang: Lang): string {
  const sentence = `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`;
  return lang === 'da' ? (PASSWORD_PROBLEMS_DA[problem] ?? sentence) : sentence;
}

export const KNOWN_PASSWORD_PROBLEMS = Object.keys(PASSWORD_PROBLEMS_DA);
