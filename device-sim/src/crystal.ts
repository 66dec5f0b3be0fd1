import type { Xoshiro128 } from './prng.js';
import { SECONDS_PER_DAY, SECONDS_PER_YEAR } from './units.js';

/**
 * The 32.768 kHz tuning-fork crystal of the device's real-time clock. Its frequency error in ppm is
 *   tolerance + k (T - T0)^2 + ageing(t)
 * with the parabolic temperature curve of a tuning-fork cut (k about -0.034 ppm/degC^2, turnover T0
 * about 25 degC) and ageing that grows with the logarithm of time (most of it in the first year).
 */
export interface CrystalParams {
  /** Frequency error at 25 degC when new, in ppm (positive: the clock runs fast). */
  readonly tolerancePpm: number;
  /** Ageing after the first year, in ppm; it keeps growing logarithmically afterwards. */
  readonly ageingPpmFirstYear: number;
  /** Ambient temperature of the device, degC (constant over a simulation). */
  readonly temperatureC: number;
}

/** Parabolic temperature coefficient, ppm/degC^2 (Epson FC-135 and Micro Crystal CM7V-T1A: -0.034 typ.). */
export const TEMPERATURE_COEFFICIENT = -0.034;
/** Turnover temperature, degC (same datasheets: 25 +-5 degC). */
export const TURNOVER_C = 25;
/** Default initial tolerance, +-ppm (FC-135 and CM7V-T1A offer +-20 ppm). */
export const DEFAULT_TOLERANCE_PPM = 20;
/** Default first-year ageing, +-ppm (FC-135: +-3 ppm/year max in the first year at 25 degC). */
export const DEFAULT_AGEING_PPM = 3;
/** Time constant of logarithmic ageing; fast ageing settles within the first weeks. */
export const AGEING_TAU_SECONDS = 30 * SECONDS_PER_DAY;
export const AGEING_NORM = Math.log(1 + SECONDS_PER_YEAR / AGEING_TAU_SECONDS);

/** Static frequency error (tolerance plus temperature), ppm. */
export function staticErrorPpm(c: CrystalParams): number {
  const dt = c.temperatureC - TURNOVER_C;
  return c.tolerancePpm + TEMPERATURE_COEFFICIENT * dt * dt;
}

/** The crystal's frequency error after `elapsedSeconds` of life, ppm. */
export function frequencyErrorPpm(c: CrystalParams, elapsedSeconds: number): number {
  const t = Math.max(0, elapsedSeconds);
  return staticErrorPpm(c) + (c.ageingPpmFirstYear * Math.log(1 + t / AGEING_TAU_SECONDS)) / AGEING_NORM;
}

/**
 * How far the device clock is ahead of true time after `elapsedSeconds`, in seconds: the exact
 * integral of the frequency error, so a life of years costs one evaluation, not a loop.
 */
export function clockErrorSeconds(c: CrystalParams, elapsedSeconds: number): number {
  const t = Math.max(0, elapsedSeconds);
  const tau = AGEING_TAU_SECONDS;
  // d/dt [(tau + t) ln(1 + t/tau) - t] = ln(1 + t/tau)
  const ageingIntegral = (tau + t) * Math.log1p(t / tau) - t;
  return 1e-6 * (staticErrorPpm(c) * t + (c.ageingPpmFirstYear * ageingIntegral) / AGEING_NORM);
}

/** Draws a crystal from the datasheet spread: tolerance and ageing uniform within their limits. */
export function drawCrystal(
  prng: Xoshiro128,
  temperatureC: number,
  tolerancePpm?: number,
  ageingPpmFirstYear?: number,
): CrystalParams {
  // Always draw both, so giving one value does not shift the stream that later draws see.
  const tol = prng.uniform(-DEFAULT_TOLERANCE_PPM, DEFAULT_TOLERANCE_PPM);
  const age = prng.uniform(-DEFAULT_AGEING_PPM, DEFAULT_AGEING_PPM);
  return {
    tolerancePpm: tolerancePpm ?? round3(tol),
    ageingPpmFirstYear: ageingPpmFirstYear ?? round3(age),
    temperatureC,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
