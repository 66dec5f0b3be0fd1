import { join } from 'node:path';
import {
  type CardRecord,
  createBatch,
  openAtomicStream,
  type RandomBytes,
  renderPdf,
  renderText,
  writeFileAtomic,
} from '@nemid-sim/key-card';
import { PRIVATE_FILE } from './data-folder.js';

/** A card as the bank's print shop hands it over: the secret for the verifier, the files for the user. */
export interface PrintedCard extends CardRecord {
  readonly pdf: string;
  readonly text: string;
}

export function cardFiles(cardsDir: string, serial: string): { pdf: string; text: string } {
  return { pdf: join(cardsDir, `${serial}.pdf`), text: join(cardsDir, `${serial}.txt`) };
}

/**
 * Makes one new card (number with check digit, 32-byte secret) and prints it as the key-card
 * package does for print shops: the PDF to cut and fold, and the same keys as text. Both files are
 * private: they are the card.
 */
export async function printCard(cardsDir: string, now: Date, randomBytes: RandomBytes): Promise<PrintedCard> {
  const card = createBatch({ count: 1, randomBytes, now }).cards[0];
  const files = cardFiles(cardsDir, card.serial);
  const target = await openAtomicStream(files.pdf, { mode: PRIVATE_FILE });
  try {
    await renderPdf([card], target.stream, { createdAt: now, title: `NemID nøglekort ${card.serial}` });
    await target.commit();
  } catch (err) {
    await target.abort();
    throw err;
  }
  await writeFileAtomic(files.text, renderText(card), { mode: PRIVATE_FILE });
  return { ...card, ...files };
}
