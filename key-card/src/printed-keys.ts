import { CARD_KEY_DIGITS, CARD_SLOTS, createCardEngine, formatCode } from '@nemid-sim/core';

/** One printed line of a card: the 4-digit key number and the 6-digit key beside it. */
export interface PrintedKey {
  /** Zero-padded key number, e.g. `0421`. */
  number: string;
  /** Zero-padded key, e.g. `123456`. */
  key: string;
}

/**
 * The 148 keys of a card in printed order. Everything comes from the core's card engine, so the
 * verifier (which uses the same engine) asks for exactly what is printed. The order is ascending key
 * number: the key numbers themselves are a keyed permutation of the secret, so the order is decided by
 * the secret, and a sorted card lets the user find a number quickly, as on the real NemID cards.
 */
export function printedKeys(cardSecret: Uint8Array): PrintedKey[] {
  const engine = createCardEngine(cardSecret);
  const slots: { number: number; slot: number }[] = [];
  for (let slot = 0; slot < CARD_SLOTS; slot++) slots.push({ number: engine.keyNumber(slot), slot });
  slots.sort((a, b) => a.number - b.number);
  return slots.map(({ number, slot }) => ({
    number: formatCode(number, 4),
    key: formatCode(engine.key(slot), CARD_KEY_DIGITS),
  }));
}
