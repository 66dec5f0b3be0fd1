/**
 * What the device draws from its cell, and the voltages its firmware acts on. Sources for each
 * default are in docs/device-sim.md.
 */
export interface LoadProfile {
  /** Always drawn: MCU in deep sleep with the 32 kHz RTC running, supervisor, leakage; microamps. */
  readonly sleepMicroamps: number;
  /** Drawn on top of sleep while a code is on the display; microamps. */
  readonly displayMicroamps: number;
  /** The burst of one button press: wake-up, HMAC, display start; milliamps for `burstMs`. */
  readonly burstMilliamps: number;
  readonly burstMs: number;
  /** Under the burst load, below this the display shows the low-battery mark; volts. */
  readonly lowBatteryVolts: number;
  /** Under the burst load, below this the MCU browns out and never wakes again; volts. */
  readonly brownOutVolts: number;
}

export const DEFAULT_LOADS: LoadProfile = {
  sleepMicroamps: 1.8,
  displayMicroamps: 110,
  burstMilliamps: 3,
  burstMs: 20,
  lowBatteryVolts: 2.6,
  brownOutVolts: 2.0,
};

/** How long a code stays on the display, seconds. */
export const DEFAULT_DISPLAY_SECONDS = 30;
