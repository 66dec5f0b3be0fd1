import type { Clock, RandomSource } from '@nemid-sim/server-verifier';
import type { BankNemId } from './bank-nemid.js';
import { printCard } from './card-printer.js';
import type { DataPaths } from './data-folder.js';
import { type DemoState, writeState } from './demo-state.js';
import { makeKeyDisplay } from './key-display.js';

/** The demo customer. The CPR number is made up; a 4-digit PIN must not be part of it (ID-4). */
export const DEMO_CUSTOMER = {
  name: 'Karen Jensen',
  cpr: '010190-1234',
  address: 'Demovej 1, 2100 København Ø',
  mobile: '+45 20 12 34 56',
  email: 'karen.jensen@example.com',
} as const;

/**
 * The first start: the bank and the web shop as service providers (S-3), the customer with a
 * printed key card (its PDF and text) and an ordered key display that is not active yet (T-7).
 * The state file is written last, so an interrupted first start is made again next time.
 */
export async function provision(
  bank: BankNemId,
  paths: DataPaths,
  clock: Clock,
  random: RandomSource,
): Promise<DemoState> {
  await bank.registerSites();
  const password = demoPassword(random);
  const enrolled = await bank.enrol({ ...DEMO_CUSTOMER, password });
  const card = await printCard(paths.cards, new Date(clock()), random);
  await bank.issueCard(enrolled.userId, card);
  const keyDisplay = makeKeyDisplay(paths.device, clock(), random);
  await bank.orderKeyDisplay(enrolled.userId, keyDisplay);
  const state: DemoState = {
    version: 1,
    createdAt: new Date(clock()).toISOString(),
    userId: enrolled.userId,
    nemIdNumber: enrolled.nemIdNumber,
    cpr: DEMO_CUSTOMER.cpr,
    name: DEMO_CUSTOMER.name,
    password,
    tokenSerial: keyDisplay.serial,
  };
  writeState(paths.state, state);
  return state;
}

/** Easy to type, and within ID-4's rules: letters and digits. */
function demoPassword(random: RandomSource): string {
  return `demo${Array.from(random(6), (b) => b % 10).join('')}`;
}
