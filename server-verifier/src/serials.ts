/**
 * Card numbers (KC-2): one letter and 9 digits, printed A123-456-789. The verifier only checks the
 * shape; the key-card package owns the check digit and validates it where cards are made.
 */
export function normalizeCardSerial(text: string): string | null {
  const c = text.replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z]\d{9}$/.test(c) ? c : null;
}

/** `A123-456-789`. */
export function formatCardSerial(serial: string): string {
  return `${serial.slice(0, 4)}-${serial.slice(4, 7)}-${serial.slice(7)}`;
}

/** Token serials: 16 digits, shown as `dddd dddd dddd dddd`. */
export function normalizeTokenSerial(text: string): string | null {
  const c = text.replace(/[\s-]/g, '');
  return /^\d{16}$/.test(c) ? c : null;
}

export function formatTokenSerial(serial: string): string {
  return serial.replace(/(\d{4})(?=\d)/g, '$1 ');
}
