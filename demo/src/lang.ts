/** The demo speaks Danish, with a switch to English. */
export type Lang = 'da' | 'en';

export const LANGS: readonly Lang[] = ['da', 'en'];

export function isLang(value: unknown): value is Lang {
  return value === 'da' || value === 'en';
}
