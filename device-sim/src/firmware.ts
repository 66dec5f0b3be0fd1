import { type Algorithm, createOtpEngine, type OtpEngine } from '@nemid-sim/core';
import {
  internalResistanceOhm,
  loadedVolts,
  openCircuitVolts,
  selfDischargeMilliamps,
  usableCapacityMah,
} from './battery.js';
import type { CellSpec } from './cells.js';
import { type CrystalParams, clockErrorSeconds } from './crystal.js';
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
  private readonly s: FirmwareState;
  private readonly capacityMah: number;
  private readonly sleepMilliamps: number;
  private readonly displayMilliamps: number;
  private readonly burstMah: number;

  constructor(config: FirmwareConfig, state?: FirmwareState) {
    this.config = config;
    this.engine = createOtpEngine(config.secret, config.algorithm);
    this.s = { ...(state ?? freshState(config.startUnix)) };
    const t = config.crystal.temperatureC;
    this.capacityMah = usableCapacityMah(config.cell, t);
    this.sleepMilliamps = config.loads.sleepMicroamps / 1000 + selfDischargeMilliamps(config.cell, t);
    this.displayMilliamps = config.loads.displayMicroamps / 1000;
    this.burstMah = (config.loads.burstMilliamps * config.loads.burstMs) / MS_PER_HOUR;
  }

  /** A copy of the state, for saving. */
  snapshot(): FirmwareState {
    return { ...this.s };
  }

  get trueUnix(): number {
    return this.s.trueUnix;
  }
  get counter(): number {
    return this.s.counter;
  }
  get presses(): number {
    return this.s.presses;
  }
  get lowBattery(): boolean {
    return this.s.lowBattery;
  }
  get lowBatteryAtUnix(): number | null {
    return this.s.lowBatteryAtUnix;
  }
  get dead(): boolean {
    return this.s.dead;
  }
  get diedAtUnix(): number | null {
    return this.s.diedAtUnix;
  }
  get chargeUsedMah(): number {
    return this.s.chargeUsedMah;
  }
  get usableCapacityMah(): number {
    return this.capacityMah;
  }
  /** Depth of discharge, 0 (new) to 1 (flat). */
  get depthOfDischarge(): number {
    return Math.min(1, this.s.chargeUsedMah / this.capacityMah);
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
    if (this.s.dead) return 'dead';
    return this.s.trueUnix < this.s.displayUntilUnix ? 'showing' : 'sleeping';
  }
  /** The code on the display now, or -1 when it is blank (asleep or dead). */
  get displayedCode(): number {
    return this.state === 'showing' ? this.s.shownCode : -1;
  }
  /** Seconds the display stays on, 0 when it is blank. */
  get displaySecondsLeft(): number {
    return this.state === 'showing' ? this.s.displayUntilUnix - this.s.trueUnix : 0;
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
    const s = this.s;
    if (!(trueUnix >= s.trueUnix)) {
      throw new RangeError('the device clock cannot go backwards (or the time is not a number)');
    }
    if (!s.dead && s.displayUntilUnix > s.trueUnix) {
      const end = Math.min(trueUnix, s.displayUntilUnix);
      this.drain(s.trueUnix, end, this.sleepMilliamps + this.displayMilliamps);
    }
    if (!s.dead && trueUnix > s.displayUntilUnix) {
      this.drain(Math.max(s.trueUnix, s.displayUntilUnix), trueUnix, this.sleepMilliamps);
    }
    s.trueUnix = trueUnix;
  }

  /**
   * Presses the button at true time `trueUnix`: wakes the device, measures the battery under the
   * burst, computes a code (HOTP: for the counter, which then advances; TOTP: for the device's own
   * clock) and shows it for `displaySeconds`. A press while a code is shown computes a new one.
   * Returns the code, or -1 for a dead device (blank display, nothing happens).
   */
  press(trueUnix: number): number {
    this.advanceTo(trueUnix);
    const s = this.s;
    if (s.dead) return -1;
    s.chargeUsedMah += this.burstMah;
    const volts = this.batteryVoltsUnderLoad;
    if (volts < this.config.loads.brownOutVolts || s.chargeUsedMah >= this.capacityMah) {
      this.die(trueUnix);
      return -1;
    }
    if (!s.lowBattery && volts < this.config.loads.lowBatteryVolts) {
      s.lowBattery = true;
      s.lowBatteryAtUnix = trueUnix;
    }
    const c = this.config;
    let code: number;
    if (c.mode === 'hotp') {
      code = this.engine.hotp(s.counter, c.digits);
      s.counter++;
    } else {
      code = this.engine.totp(Math.floor(this.deviceUnixAt(trueUnix)), c.stepSeconds, c.digits, c.t0Seconds);
    }
    s.presses++;
    s.shownCode = code;
    s.displayUntilUnix = trueUnix + c.displaySeconds;
    return code;
  }

  private drain(from: number, to: number, milliamps: number): void {
    const s = this.s;
    const seconds = to - from;
    if (seconds <= 0) return;
    const need = this.capacityMah - s.chargeUsedMah;
    const drawn = (milliamps * seconds) / 3600;
    if (drawn >= need) {
      s.chargeUsedMah = this.capacityMah;
      this.die(from + (need * 3600) / milliamps);
    } else {
      s.chargeUsedMah += drawn;
    }
  }

  private die(atUnix: number): void {
    const s = this.s;
    s.dead = true;
    s.diedAtUnix = atUnix;
    s.displayUntilUnix = Math.min(s.displayUntilUnix, atUnix);
  }
}
