import type { AddressInfo } from 'node:net';
import { readKeyFile, writeNewKeyFile } from '@nemid-sim/key-card';
import {
  type Clock,
  type PolicyOverrides,
  type RandomSource,
  systemClock,
  systemRandom,
  type TokenView,
} from '@nemid-sim/server-verifier';
import type { FastifyInstance } from 'fastify';
import { BankNemId } from './bank-nemid.js';
import { CardDesk } from './card-orders.js';
import { cardFiles } from './card-printer.js';
import { type DataPaths, dataPaths, prepareDataFolder } from './data-folder.js';
import { type DemoState, readState } from './demo-state.js';
import { Outboxes } from './outbox.js';
import { provision } from './provision.js';
import { espeakAvailable, VoicePhone } from './voice/voice-phone.js';
import { buildApp } from './web/app.js';

export interface DemoOptions {
  /** The data folder (made on the first start, reused after). */
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** Empty the data folder first and start over. */
  readonly reset?: boolean;
  /** The speech synthesiser for Voice Response; null turns it off. */
  readonly espeak: string | null;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** The verifier's policy (tests lower the scrypt cost). */
  readonly policy?: PolicyOverrides;
  /** One line at a time for the terminal. */
  readonly log?: (line: string) => void;
}

export interface RunningDemo {
  readonly url: string;
  readonly paths: DataPaths;
  readonly state: DemoState;
  /** This start made the data folder (false: it reused it). */
  readonly fresh: boolean;
  /** Voice Response works (espeak-ng was found). */
  readonly voice: boolean;
  /** The card the next key is asked from, and its printed files; null when no card is active. */
  readonly card: { readonly serial: string; readonly pdf: string; readonly text: string } | null;
  readonly token: TokenView | null;
  readonly app: FastifyInstance;
  readonly bank: BankNemId;
  close(): Promise<void>;
}

/** The port is taken: the one line the terminal shows. */
export class PortBusyError extends Error {}

/** Sets up (or reuses) the data folder, opens the verifier and serves Demo Netbank. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const paths = dataPaths(options.dataDir);
  const fresh = prepareDataFolder(paths, options.reset ?? false) === 'fresh';
  if (fresh) await writeNewKeyFile(paths.masterKey, random);
  const masterKey = await readKeyFile(paths.masterKey);

  const voice =
    options.espeak !== null && espeakAvailable(options.espeak)
      ? new VoicePhone(options.espeak, clock, random)
      : null;
  const cardDesk = new CardDesk(paths.cards, clock, random, log);
  const bank = await BankNemId.open({
    dbFile: paths.db,
    masterKey,
    clock,
    random,
    policy: options.policy,
    phoneService: voice?.service,
    onEvent: cardDesk.onEvent,
  });
  cardDesk.attach(bank);
  let app: FastifyInstance | null = null;
  try {
    app = await buildApp({
      bank,
      cardDesk,
      voice,
      outboxes: new Outboxes(random),
      cardsDir: paths.cards,
      log,
    });
    // The port first: a busy one is reported before the first start's work (it is printed later).
    await listen(app, host, options.port);
    const state = fresh ? await provision(bank, paths, clock, random) : readState(paths.state);
    const { cards, token } = await bank.overview(state.userId);
    const current = cards.find((c) => c.current);
    const { port } = app.server.address() as AddressInfo;
    const running = app;
    return {
      url: `http://${host}:${port}/`,
      paths,
      state,
      fresh,
      voice: voice !== null,
      card:
        current === undefined
          ? null
          : { serial: current.cardNumber, ...cardFiles(paths.cards, current.cardNumber) },
      token,
      app,
      bank,
      async close() {
        await running.close();
        await bank.close();
      },
    };
  } catch (err) {
    await app?.close();
    await bank.close();
    throw err;
  }
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortBusyError(
        `port ${port} on ${host} is in use: stop what uses it, or pick another with --port`,
      );
    }
    throw err;
  }
}
