import type { CardRecord } from './batch.js';
import { printedKeys } from './printed-keys.js';

const COLUMNS = 4;

/**
 * A card as plain text for terminals and tests: the card number, then the 148 key numbers and keys
 * in printed order (ascending key number) running down four columns.
 */
export function renderText(card: CardRecord): string {
  const keys = printedKeys(card.secret);
  const rows = Math.ceil(keys.length / COLUMNS);
  const lines = [
    `NemID nøglekort · key card  ${card.serial}`,
    `${keys.length} nøgler · keys: nøglenr. nøgle · key no. key`,
    '',
  ];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < COLUMNS; c++) {
      const k = keys[c * rows + r];
      if (k) cells.push(`${k.number} ${k.key}`);
    }
    lines.push(cells.join('   '));
  }
  return `${lines.join('\n')}\n`;
}
