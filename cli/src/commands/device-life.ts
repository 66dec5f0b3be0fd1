import {
  CELL_NAMES,
  type CellName,
  DEFAULT_CELL,
  describeDuration,
  LIMITS,
  type LifeResult,
  lifeChart,
  lifeSvg,
  SECONDS_PER_YEAR,
  simulateLife,
} from '@nemid-sim/device-sim';
import { writeFileAtomic } from '@nemid-sim/key-card';
import { type Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { choiceOption, integerOption, numberOption } from '../options.js';

interface LifeOpts {
  pressesPerDay: number;
  temperature: number;
  cell: CellName;
  seed: number;
  ppm?: number;
  ageingPpm?: number;
  json?: boolean;
  svg?: string;
  force?: boolean;
  chart: boolean;
  width: number;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function registerDeviceLifeCommand(device: Command, io: CliIo): void {
  device
    .command('life')
    .description(
      'simulate a device from new until its battery dies: print the lifetime, when the low-battery mark ' +
        'appears, and the clock error at the end, with charts of the battery voltage and the clock error',
    )
    .option(
      '--presses-per-day <n>',
      'average presses a day (random times, a Poisson process)',
      numberOption('--presses-per-day', 0, 10_000),
      3,
    )
    .option(
      '--temperature <C>',
      'where the device lives, °C',
      numberOption('--temperature', LIMITS.temperatureMinC, LIMITS.temperatureMaxC),
      25,
    )
    .addOption(
      new Option('--cell <type>', 'the coin cell: cr2016 (90 mAh) or cr2032 (225 mAh)')
        .argParser(choiceOption('--cell', CELL_NAMES))
        .default(DEFAULT_CELL),
    )
    .option(
      '--seed <n>',
      'seed for the crystal and the press times',
      integerOption('--seed', 0, 2 ** 32 - 1),
      0,
    )
    .option(
      '--ppm <n>',
      'crystal frequency error at 25 °C in ppm (default: drawn from the seed within ±20)',
      numberOption('--ppm', -LIMITS.ppm, LIMITS.ppm),
    )
    .option(
      '--ageing-ppm <n>',
      'crystal ageing over the first year in ppm (default: drawn from the seed within ±3)',
      numberOption('--ageing-ppm', -LIMITS.ageingPpm, LIMITS.ageingPpm),
    )
    .option('--json', 'print only {"years", "lowBatteryYears", "clockDriftSeconds"} as JSON')
    .option('--svg <file>', 'also write the charts as an SVG file (an existing file is left alone)')
    .option('--force', 'replace the SVG file if it already exists')
    .option('--no-chart', 'leave out the terminal chart')
    .option('--width <columns>', 'width of the terminal chart', integerOption('--width', 10, 200), 60)
    .action(async (opts: LifeOpts) => {
      const r = simulateLife({
        pressesPerDay: opts.pressesPerDay,
        temperatureC: opts.temperature,
        cell: opts.cell,
        seed: opts.seed,
        ppm: opts.ppm,
        ageingPpm: opts.ageingPpm,
      });
      if (opts.svg !== undefined) {
        await writeFileAtomic(opts.svg, lifeSvg(r, `${title(r)}: battery and clock over its life`), {
          overwrite: opts.force ?? false,
        });
      }
      if (opts.json) {
        io.stdout.write(
          `${JSON.stringify({
            years: round(r.years, 3),
            lowBatteryYears: r.lowBatteryYears === null ? null : round(r.lowBatteryYears, 3),
            clockDriftSeconds: round(r.clockDriftSeconds, 1),
          })}\n`,
        );
        return;
      }
      io.stdout.write(report(r));
      if (opts.chart) io.stdout.write(`\n${lifeChart(r, { width: opts.width })}\n`);
      if (opts.svg !== undefined) io.stdout.write(`\nchart written to ${opts.svg}\n`);
    });
}

function title(r: LifeResult): string {
  return `${r.cell.toUpperCase()} at ${r.temperatureC} °C, ${r.pressesPerDay} presses a day`;
}

function report(r: LifeResult): string {
  const ended =
    r.endedBy === 'limit'
      ? 'still working at the end of the simulation'
      : r.endedBy === 'brown-out'
        ? 'dies when a press pulls the voltage under the chip minimum'
        : 'dies when the charge runs out';
  const mark =
    r.lowBatteryYears === null
      ? 'never seen (no press showed it)'
      : `after ${r.lowBatteryYears.toFixed(2)} years, ${describeDuration((r.years - r.lowBatteryYears) * SECONDS_PER_YEAR)} before the end`;
  const drift = r.clockDriftSeconds;
  return [
    `${title(r)} (seed ${r.seed}):`,
    `  battery lasts     ${r.years.toFixed(2)} years (${Math.round(r.years * 365.25)} days, ${r.presses} presses); ${ended}`,
    `  low-battery mark  ${mark}`,
    `  clock at the end  ${Math.abs(drift).toFixed(0)} s (${(Math.abs(drift) / 60).toFixed(1)} min) ` +
      `${drift >= 0 ? 'ahead' : 'behind'} ` +
      `(crystal ${r.tolerancePpm} ppm, ageing ${r.ageingPpmFirstYear} ppm in year 1, at ${r.temperatureC} °C)`,
    '',
  ].join('\n');
}
