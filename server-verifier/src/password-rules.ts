/**
 * ID-4: a password is either a 4-digit PIN (not all one digit, not a run like 1234 or 9876, not
 * part of the user's CPR number) or 6-40 characters mixing letters and digits. Returns the reason
 * it is refused, or null when it is allowed.
 */
export function passwordProblem(password: string, cpr: string | null): string | null {
  if (/^\d{4}$/.test(password)) return pinProblem(password, cpr);
  const length = [...password].length;
  if (length < 6 || length > 40) return 'a password is 6-40 characters, or a 4-digit PIN';
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return 'a password must mix letters and digits';
  if (/[\p{Cc}]/u.test(password)) return 'a password must not hold control characters';
  return null;
}

function pinProblem(pin: string, cpr: string | null): string | null {
  const d = [...pin].map(Number);
  if (d.every((x) => x === d[0])) return 'a 4-digit password must not be one digit repeated';
  // Runs wrap around (7890, 2109) as they do on a keypad's digit row.
  const step = (d[1] - d[0] + 10) % 10;
  if ((step === 1 || step === 9) && d.every((x, i) => i === 0 || (x - d[i - 1] + 10) % 10 === step)) {
    return 'a 4-digit password must not be a run like 1234';
  }
  if (cpr?.includes(pin)) return 'a 4-digit password must not be part of your CPR number';
  return null;
}

export function isPin(password: string): boolean {
  return /^\d{4}$/.test(password);
}
