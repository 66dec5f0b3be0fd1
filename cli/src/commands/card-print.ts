import { basename, extname } from 'node:path';
import {
  type Batch,
  type CardRecord,
  checkJobName,
  findCard,
  findClashes,
  MAX_JOB_NAME,
  openAtomicStream,
  PAPERS,
  type Paper,
  parseSerial,
  progressBar,
  readRegisterFile,
  renderPdf,
  renderSvg,
  renderText,
  writeFileAtomic,
} from '@nemid-sim/key-card';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { choiceOption } from '../options.js';
import { addBatchOptions, type BatchOpts, openBatch } from './card-batch.js';

const FORMATS = ['pdf', 'svg', 'txt'] as const;
type Format = (typeof FORMATS)[number];

interface PrintOpts extends BatchOpts {
  out: string;
  serial?: string[];
  magnaprint?: boolean;
  paper?: Paper;
  format?: Format;
  rgb?: boolean;
  job?: string;
  register?: string;
  force?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The format from --format, else from the extension of --out; any other extension is refused. */
function formatOf(opts: PrintOpts): Format {
  if (opts.format) return opts.format;
  const ext = extname(opts.out).toLowerCase().slice(1);
  const format = FORMATS.find((f) => f === ext);
  if (format) return format;
  throw new UsageError(
    `cannot tell what to write to ${opts.out}: name it .pdf, .svg or .txt, or say which with --format`,
  );
}

/** The slug's job name: --job, else the output file's name without its extension. */
function jobOf(opts: PrintOpts): string {
  if (opts.job !== undefined) return checkJobName(opts.job);
  const name = basename(opts.out, extname(opts.out))
    .replace(/\p{Cc}/gu, '?')
    .slice(0, MAX_JOB_NAME);
  return name.trim() === '' ? 'NemID nøglekort' : name;
}

/** The cards to print: the named ones in the order given (each once), or the whole batch. */
function pick(batch: Batch, serials: string[]): CardRecord[] {
  if (serials.length === 0) return batch.cards;
  return [...new Set(serials.map(parseSerial))].map((s) => findCard(batch, s));
}

export function registerCardPrintCommand(card: Command, io: CliIo): void {
  addBatchOptions(
    card
      .command('print')
      .description(
        'render cards for printing. PDF: PDF/X-1a:2003 in CMYK for the press (FOGRA39), unfolded cards ' +
          '(folded size ID-1, 85.60 x 53.98 mm) imposed on A4 or Letter sheets with crop, fold and ' +
          'registration marks, a colour bar and a slug naming the job, TrimBox and BleedBox, fonts ' +
          'embedded; with --magnaprint one large-type card per A4 page. SVG: one card. TXT: plain text.',
      )
      .requiredOption('--out <file>', 'where to write the output (an existing file is left alone)')
      .option(
        '--serial <card-number>',
        'print only this card; repeat for more (default: the whole batch)',
        collect,
      )
      .option(
        '--magnaprint',
        'large type for poor sight: one card on one A4 page, bold 18 pt keys (PDF or SVG)',
      )
      .addOption(
        new Option('--paper <size>', 'sheet size for imposed cards: a4 or letter (default a4)').argParser(
          choiceOption('--paper', PAPERS),
        ),
      )
      .addOption(
        new Option(
          '--format <format>',
          'pdf, svg or txt (default: from the --out extension, which must then be .pdf, .svg or .txt)',
        ).argParser(choiceOption('--format', FORMATS)),
      )
      .option(
        '--rgb',
        'a plain RGB PDF for proofing on screen instead of PDF/X-1a in CMYK (not for the press)',
      )
      .option(
        '--job <name>',
        `the job name in the slug of imposed sheets, up to ${MAX_JOB_NAME} characters (default: the --out file name)`,
      )
      .option(
        '--register <file>',
        'check the batch against this register before printing (as `card register check` does): a card ' +
          'number given to another batch, or a batch the register has no record of, stops the print',
      )
      .option('--force', 'replace the output file if it already exists'),
  ).action(async (opts: PrintOpts) => {
    const format = formatOf(opts);
    if (opts.magnaprint && opts.paper === 'letter') throw new UsageError('Magnaprint is printed on A4 only');
    if (opts.magnaprint && format === 'txt') throw new UsageError('--magnaprint needs --format pdf or svg');
    if (opts.paper && format !== 'pdf') throw new UsageError('--paper only applies to --format pdf');
    if (opts.rgb && format !== 'pdf') throw new UsageError('--rgb only applies to --format pdf');
    if (opts.job !== undefined && (format !== 'pdf' || opts.magnaprint)) {
      throw new UsageError('--job only applies to imposed PDF sheets (not to --magnaprint, SVG or text)');
    }
    const job = jobOf(opts);
    const batch = await openBatch(opts);
    if (opts.register !== undefined) {
      // Caught before anything is printed, not when the verifier refuses the card at import.
      const clashes = findClashes(await readRegisterFile(opts.register), [{ name: 'the batch', batch }]);
      for (const clash of clashes) io.stderr.write(`nemid: ${clash}\n`);
      if (clashes.length > 0) throw new UsageError(`not printed: the batch clashes with ${opts.register}`);
    }
    const cards = pick(batch, opts.serial ?? []);
    const overwrite = opts.force ?? false;
    if (format === 'svg') {
      if (cards.length !== 1) throw new UsageError('an SVG holds one card: give exactly one --serial');
      await writeFileAtomic(opts.out, renderSvg(cards[0], { magnaprint: opts.magnaprint }), { overwrite });
    } else if (format === 'txt') {
      await writeFileAtomic(opts.out, cards.map((c) => renderText(c)).join('\n'), { overwrite });
    } else {
      // Listening before the temporary file exists: Ctrl-C while it is being made removes it too.
      const signals = cleanUpOnSignal();
      let target: Awaited<ReturnType<typeof openAtomicStream>>;
      try {
        target = await openAtomicStream(opts.out, { overwrite });
      } catch (err) {
        signals.stop();
        throw err;
      }
      const progress = progressBar(process.stderr, cards.length);
      const opened = target;
      signals.ready(() => {
        progress.stop();
        opened.abortNow();
      });
      try {
        await renderPdf(cards, target.stream, {
          paper: opts.paper ?? 'a4',
          magnaprint: opts.magnaprint,
          createdAt: new Date(batch.createdAt),
          batchId: batch.batchId,
          job,
          rgb: opts.rgb,
          onProgress: (done) => progress.update(done),
        });
        await target.commit();
      } catch (err) {
        await target.abort();
        throw err;
      } finally {
        signals.stop();
        progress.stop();
      }
    }
    io.stderr.write(`nemid: ${cards.length} card${cards.length === 1 ? '' : 's'} written to ${opts.out}\n`);
  });
}

/**
 * A 10,000-card run takes a while and may be interrupted: on Ctrl-C (or SIGTERM) the partial
 * temporary file is removed before exiting, so nothing half-written is left. The handlers go in
 * before the temporary file is made; a signal that comes while it is being made is acted on once
 * `ready` hands over the clean-up (exiting at once could leave the file the open is creating).
 */
function cleanUpOnSignal(): { ready(cleanUp: () => void): void; stop(): void } {
  let cleanUp: (() => void) | null = null;
  let pending: NodeJS.Signals | null = null;
  const exit = (signal: NodeJS.Signals, clean: () => void): never => {
    clean();
    process.stderr.write('\nnemid: interrupted; no output written\n');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const handler = (signal: NodeJS.Signals) => {
    if (cleanUp === null) pending = signal;
    else exit(signal, cleanUp);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    ready(clean) {
      cleanUp = clean;
      if (pending !== null) exit(pending, clean);
    },
    stop() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
