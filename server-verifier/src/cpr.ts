/**
 * CPR numbers (the Danish personal number, DDMMYY-SSSS). The 7th digit and the year give the
 * century (the CPR office's table). The old modulus-11 check is not required: numbers issued since
 * 2007 need not pass it.
 */

/** Reads `DDMMYY-SSSS` or `DDMMYYSSSS` (spaces allowed) into 10 digits; null when malformed. */
export function normalizeCpr(text: string): string | null {
  const c = text.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(c)) return null;
  return birthDateOfCpr(c) === null ? null : c;
}

/** `DDMMYY-SSSS`. */
export function formatCpr(cpr: string): string {
  return `${cpr.slice(0, 6)}-${cpr.slice(6)}`;
}

function century(yy: number, seventh: number): number | null {
  if (seventh <= 3) return 1900;
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 : 1900;
  if (seventh <= 8) return yy <= 57 ? 2000 : 1800;
  return null;
}

/** The birth date as [year, month, day], or null when the date does not exist. */
export function birthDateOfCpr(cpr: string): [number, number, number] | null {
  const day = Number(cpr.slice(0, 2));
  const month = Number(cpr.slice(2, 4));
  const yy = Number(cpr.slice(4, 6));
  const c = century(yy, Number(cpr[6]));
  if (c === null) return null;
  const year = c + yy;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return [year, month, day];
}

/** Whole years of age at `nowMs` (UTC calendar). */
export function ageAt(birth: readonly [number, number, number], nowMs: number): number {
  const now = new Date(nowMs);
  const [y, m, d] = birth;
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}
