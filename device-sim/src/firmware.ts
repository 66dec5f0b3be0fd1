import { type Algorithm, createOtpEngine, type OtpEngine } from '@nemid-sim/core';
import {
  coldResistanceFactor,
  internalResistanceOhm,
  loadedVolts,
  OCV_DOD,
  OCV_VOLTS,
  openCircuitVolts,
  selfDischargeMilliamps,
  usableCapacityMah,
} from './battery.js';
import type { CellSpec } from './cells.js';
import {
  AGEING_NORM,
  AGEING_TAU_SECONDS,
  type CrystalParams,
  clockErrorSeconds,
  staticErrorPpm,
} from './crystal.js';
import type { LoadProfile } from './loads.js';

export type OtpMode = 'hotp' | 'totp';
export type DisplayState = 'sleeping' | 'showing' | 'dead';

/** Everything fixed when the device is made. */
export interface FirmwareConfig {
  readonly serial: string;
  readonly secret: Uint8Array;
  readonly mode: OtpMode;
  readonly algorithm: Algorithm;
  readonly digits: number;
  readonly stepSeconds: number;
  readonly t0Seconds: number;
  readonly displaySeconds: number;
  readonly crystal: CrystalParams;
  readonly cell: CellSpec;
  readonly loads: LoadProfile;
  /** True time (unix seconds) at which the device was made and its clock set exactly. */
  readonly startUnix: number;
}

/** Everything that changes while the device lives; a plain object so it can be saved as JSON. */
export interface FirmwareState {
  /** The true time the device has been simulated up to, unix seconds. */
  trueUnix: number;
  /** HOTP: the counter of the next press. */
  counter: number;
  presses: number;
  chargeUsedMah: number;
  lowBattery: boolean;
  lowBatteryAtUnix: number | null;
  dead: boolean;
  diedAtUnix: number | null;
  /** The display is on until this true time (the end of the last press's display time). */
  displayUntilUnix: number;
  /** The code on (or last on) the display, -1 before the first press. */
  shownCode: number;
}

export function freshState(startUnix: number): FirmwareState {
  return {
    trueUnix: startUnix,
    counter: 0,
    presses: 0,
    chargeUsedMah: 0,
    lowBattery: false,
    lowBatteryAtUnix: null,
    dead: false,
    diedAtUnix: null,
    displayUntilUnix: startUnix,
    shownCode: -1,
  };
}

const MS_PER_HOUR = 3_600_000;

// The state lives in one Float64Array, like the RAM of the microcontroller: stores of fractional
// numbers into it never box, so running the firmware never allocates. Flags are 0/1, "none" is NaN.
const TRUE_UNIX = 0;
const COUNTER = 1;
const PRESSES = 2;
const CHARGE_USED = 3;
const LOW_BATTERY = 4;
const LOW_BATTERY_AT = 5;
const DEAD = 6;
const DIED_AT = 7;
const DISPLAY_UNTIL = 8;
const SHOWN_CODE = 9;
/** Scratch: the battery voltage under load measured by the last press. */
const MEASURED_VOLTS = 10;
/** Scratch: the time `run` moves to. Times travel between methods through here, not as arguments. */
const TARGET_UNIX = 11;
const SLOTS = 12;

// Constants worked out once when the device is made, kept in a Float64Array too ("ROM"): reading
// them is then a plain float load, and no mix of boxed and unboxed numbers reaches the hot paths.
const CAPACITY_MAH = 0;
const SLEEP_MA = 1;
const SHOWING_MA = 2;
const BURST_MAH = 3;
const BURST_RESISTANCE_VOLTS = 4;
const STATIC_PPM = 5;
const AGEING_PPM = 6;
const ROM_SLOTS = 7;

const orNaN = (x: number | null): number => (x === null ? Number.NaN : x);
const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * The token's firmware as a state machine over virtual (true) time: sleeping, showing a code for
 * `displaySeconds` after a press, and dead once the cell is flat; a low-battery mark is latched when
 * the voltage under the press burst falls below the threshold. Time only moves forward, and between
 * events the battery drain is integrated exactly, so years cost as much as the presses in them.
 *
 * All memory is taken in the constructor; `advanceTo`, `press` and the getters allocate nothing
 * (the core engine computes codes without allocating), as on a microcontroller.
 */
export class TokenFirmware {
  readonly config: FirmwareConfig;
  private readonly engine: OtpEngine;
  private readonly ram = new Float64Array(SLOTS);
  private readonly rom = new Float64Array(ROM_SLOTS);

  constructor(config: FirmwareConfig, state?: FirmwareState) {
    this.config = config;
    this.engine = createOtpEngine(config.secret, config.algorithm);
    const s = state ?? freshState(config.startUnix);
    const r = this.ram;
    r[TRUE_UNIX] = s.trueUnix;
    r[COUNTER] = s.counter;
    r[PRESSES] = s.presses;
    r[CHARGE_USED] = s.chargeUsedMah;
    r[LOW_BATTERY] = s.lowBattery ? 1 : 0;
    r[LOW_BATTERY_AT] = orNaN(s.lowBatteryAtUnix);
    r[DEAD] = s.dead ? 1 : 0;
    r[DIED_AT] = orNaN(s.diedAtUnix);
    r[DISPLAY_UNTIL] = s.displayUntilUnix;
    r[SHOWN_CODE] = s.shownCode;
    const t = config.crystal.temperatureC;
    const rom = this.rom;
    rom[CAPACITY_MAH] = usableCapacityMah(config.cell, t);
    rom[SLEEP_MA] = config.loads.sleepMicroamps / 1000 + selfDischargeMilliamps(config.cell, t);
    rom[SHOWING_MA] = rom[SLEEP_MA] + config.loads.displayMicroamps / 1000;
    rom[BURST_MAH] = (config.loads.burstMilliamps * config.loads.burstMs) / MS_PER_HOUR;
    // The burst's voltage drop across a fresh cell's resistance at this temperature.
    rom[BURST_RESISTANCE_VOLTS] =
      (config.loads.burstMilliamps / 1000) * config.cell.internalResistanceOhm * coldResistanceFactor(t);
    rom[STATIC_PPM] = staticErrorPpm(config.crystal);
    rom[AGEING_PPM] = config.crystal.ageingPpmFirstYear / AGEING_NORM;
  }

  /** A copy of the state, for saving. */
  snapshot(): FirmwareState {
    const r = this.ram;
    return {
      trueUnix: r[TRUE_UNIX],
      counter: r[COUNTER],
      presses: r[PRESSES],
      chargeUsedMah: r[CHARGE_USED],
      lowBattery: r[LOW_BATTERY] === 1,
      lowBatteryAtUnix: orNull(r[LOW_BATTERY_AT]),
      dead: r[DEAD] === 1,
      diedAtUnix: orNull(r[DIED_AT]),
      displayUntilUnix: r[DISPLAY_UNTIL],
      shownCode: r[SHOWN_CODE],
    };
  }

  get trueUnix(): number {
    return this.ram[TRUE_UNIX];
  }
  get counter(): number {
    return this.ram[COUNTER];
  }
  get presses(): number {
    return this.ram[PRESSES];
  }
  get lowBattery(): boolean {
    return this.ram[LOW_BATTERY] === 1;
  }
  get lowBatteryAtUnix(): number | null {
    return orNull(this.ram[LOW_BATTERY_AT]);
  }
  get dead(): boolean {
    return this.ram[DEAD] === 1;
  }
  get diedAtUnix(): number | null {
    return orNull(this.ram[DIED_AT]);
  }
  get chargeUsedMah(): number {
    return this.ram[CHARGE_USED];
  }
  get usableCapacityMah(): number {
    return this.rom[CAPACITY_MAH];
  }
  /** Depth of discharge, 0 (new) to 1 (flat). */
  get depthOfDischarge(): number {
    return Math.min(1, this.ram[CHARGE_USED] / this.rom[CAPACITY_MAH]);
  }
  /** Cell voltage at rest, volts. */
  get batteryVolts(): number {
    return openCircuitVolts(this.depthOfDischarge);
  }
  /** Battery voltage under the press burst, volts: what the firmware compares with its thresholds. */
  get batteryVoltsUnderLoad(): number {
    return loadedVolts(
      this.config.cell,
      this.depthOfDischarge,
      this.config.crystal.temperatureC,
      this.config.loads.burstMilliamps,
    );
  }
  get internalResistanceOhm(): number {
    return internalResistanceOhm(this.config.cell, this.depthOfDischarge, this.config.crystal.temperatureC);
  }
  get state(): DisplayState {
    const r = this.ram;
    if (r[DEAD] === 1) return 'dead';
    return r[TRUE_UNIX] < r[DISPLAY_UNTIL] ? 'showing' : 'sleeping';
  }
  /** The code on the display now, or -1 when it is blank (asleep or dead). */
  get displayedCode(): number {
    return this.state === 'showing' ? this.ram[SHOWN_CODE] : -1;
  }
  /** Seconds the display stays on, 0 when it is blank. */
  get displaySecondsLeft(): number {
    return this.state === 'showing' ? this.ram[DISPLAY_UNTIL] - this.ram[TRUE_UNIX] : 0;
  }

  /** How far the device clock is ahead of true time at `trueUnix`, seconds. */
  clockErrorAt(trueUnix: number): number {
    return clockErrorSeconds(this.config.crystal, trueUnix - this.config.startUnix);
  }

  /** The device's own clock at true time `trueUnix`, unix seconds (fractional). */
  deviceUnixAt(trueUnix: number): number {
    return trueUnix + this.clockErrorAt(trueUnix);
  }

  /**
   * Moves virtual time forward to `trueUnix`, draining the cell: sleep current and self-discharge
   * all the time, display current while a code is shown. The cell may die on the way.
   */
  advanceTo(trueUnix: number): void {
    this.ram[TARGET_UNIX] = trueUnix;
    this.run();
  }

  /**
   * Runs the clock to TARGET_UNIX. The target comes through the RAM array because a fractional
   * number passed as an argument to a method the engine does not inline gets boxed (allocated).
   */
  private run(): void {
    const r = this.ram;
    const rom = this.rom;
    const now = r[TRUE_UNIX];
    const target = r[TARGET_UNIX];
    if (!(target >= now)) {
      throw new RangeError('the device clock cannot go backwards (or the time is not a number)');
    }
    // Two segments: display on (now .. min(target, displayUntil)), then asleep (.. target).
    const until = r[DISPLAY_UNTIL];
    for (let segment = 0; segment < 2 && r[DEAD] === 0; segment++) {
      const from = segment === 0 ? now : Math.max(now, until);
      const to = segment === 0 ? Math.min(target, until) : target;
      if (to <= from) continue;
      const milliamps = rom[segment === 0 ? SHOWING_MA : SLEEP_MA];
      const need = rom[CAPACITY_MAH] - r[CHARGE_USED];
      const drawn = (milliamps * (to - from)) / 3600;
      if (drawn >= need) {
        r[CHARGE_USED] = rom[CAPACITY_MAH];
        r[DEAD] = 1;
        r[DIED_AT] = from + (need * 3600) / milliamps;
        r[DISPLAY_UNTIL] = Math.min(r[DISPLAY_UNTIL], r[DIED_AT]);
      } else {
        r[CHARGE_USED] += drawn;
      }
    }
    r[TRUE_UNIX] = target;
  }

  /**
   * Presses the button at true time `trueUnix`: wakes the device, measures the battery under the
   * burst, computes a code (HOTP: for the counter, which then advances; TOTP: for the device's own
   * clock) and shows it for `displaySeconds`. A press while a code is shown computes a new one.
   * Returns the code, or -1 for a dead device (blank display, nothing happens).
   */
  press(trueUnix: number): number {
    const r = this.ram;
    r[TARGET_UNIX] = trueUnix;
    this.run();
    if (r[DEAD] === 1) return -1;
    const rom = this.rom;
    r[CHARGE_USED] += rom[BURST_MAH];
    this.measureUnderLoad();
    const volts = r[MEASURED_VOLTS];
    const c = this.config;
    if (volts < c.loads.brownOutVolts || r[CHARGE_USED] >= rom[CAPACITY_MAH]) {
      r[DEAD] = 1;
      r[DIED_AT] = trueUnix;
      r[DISPLAY_UNTIL] = Math.min(r[DISPLAY_UNTIL], trueUnix);
      return -1;
    }
    if (r[LOW_BATTERY] === 0 && volts < c.loads.lowBatteryVolts) {
      r[LOW_BATTERY] = 1;
      r[LOW_BATTERY_AT] = trueUnix;
    }
    let code: number;
    if (c.mode === 'hotp') {
      code = this.engine.hotp(r[COUNTER], c.digits);
      r[COUNTER] += 1;
    } else {
      // The RFC 6238 step of the device's own clock, computed here rather than by passing the
      // clock (a number too big for a small integer, so boxed) to the engine's totp().
      const e = trueUnix - c.startUnix;
      const ageing = (AGEING_TAU_SECONDS + e) * Math.log1p(e / AGEING_TAU_SECONDS) - e;
      const deviceUnix = Math.floor(trueUnix + 1e-6 * (rom[STATIC_PPM] * e + rom[AGEING_PPM] * ageing));
      const step = Math.floor((deviceUnix - c.t0Seconds) / c.stepSeconds);
      code = this.engine.hotp(Math.max(step, 0), c.digits);
    }
    r[PRESSES] += 1;
    r[SHOWN_CODE] = code;
    r[DISPLAY_UNTIL] = trueUnix + c.displaySeconds;
    return code;
  }

  /** The voltage under the press burst into MEASURED_VOLTS: the OCV curve, minus I x R. */
  private measureUnderLoad(): void {
    const r = this.ram;
    const rom = this.rom;
    let dod = r[CHARGE_USED] / rom[CAPACITY_MAH];
    dod = Math.min(dod, 1);
    let i = 1;
    while (i < OCV_DOD.length - 1 && OCV_DOD[i] < dod) i++;
    const f = (dod - OCV_DOD[i - 1]) / (OCV_DOD[i] - OCV_DOD[i - 1]);
    const ocv = OCV_VOLTS[i - 1] + f * (OCV_VOLTS[i] - OCV_VOLTS[i - 1]);
    const d3 = dod * dod * dod;
    r[MEASURED_VOLTS] = ocv - rom[BURST_RESISTANCE_VOLTS] * (1 + 4 * d3 * d3);
  }
}
