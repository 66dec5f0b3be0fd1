import { CARD_SLOTS } from '@nemid-sim/core';

/**
 * KC-1: which keys of a card are used, as one bit per slot (bit i % 8 of byte i >> 3), kept in the
 * card's own row: using a key and counting the keys left need no other row.
 */
export const USED_SLOT_BYTES = Math.ceil(CARD_SLOTS / 8);

export function noSlotsUsed(): Uint8Array {
  return new Uint8Array(USED_SLOT_BYTES);
}

export function isSlotUsed(used: Uint8Array, slot: number): boolean {
  return ((used[slot >> 3] ?? 0) & (1 << (slot & 7))) !== 0;
}

export function withSlotUsed(used: Uint8Array, slot: number): Uint8Array {
  const next = new Uint8Array(USED_SLOT_BYTES);
  next.set(used.subarray(0, USED_SLOT_BYTES));
  next[slot >> 3] |= 1 << (slot & 7);
  return next;
}

export function usedSlots(used: Uint8Array): number[] {
  const out: number[] = [];
  for (let slot = 0; slot < CARD_SLOTS; slot++) if (isSlotUsed(used, slot)) out.push(slot);
  return out;
}

export function keysLeft(used: Uint8Array): number {
  return CARD_SLOTS - usedSlots(used).length;
}
