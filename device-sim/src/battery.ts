import type { CellSpec } from './cells.js';
import { HOURS_PER_YEAR } from './units.js';

/**
 * Physics of a Li/MnO2 coin cell, as pure functions so the firmware can call them without
 * allocating. Depth of discharge (DoD) is the share of the usable capacity already drawn.
 */

// Open-circuit voltage by DoD: the flat Li/MnO2 plateau and the knee at the end of life, after the
// discharge curves in the Energizer CR2032/CR2016 and Panasonic CR2032 datasheets.
export const OCV_DOD = new Float64Array([0, 0.05, 0.1, 0.5, 0.8, 0.9, 0.95, 0.98, 1]);
export const OCV_VOLTS = new Float64Array([3.2, 3.0, 2.95, 2.9, 2.82, 2.72, 2.58, 2.4, 2.0]);

// Capacity available at a temperature, as a share of that at 20 degC and above (the lithium coin
// cell capacity-versus-temperature curves in the same datasheets, rounded).
const DERATE_C = new Float64Array([-40, -30, -20, -10, 0, 10, 20]);
const DERATE_SHARE = new Float64Array([0.35, 0.5, 0.65, 0.78, 0.88, 0.95, 1]);

function interpolate(xs: Float64Array, ys: Float64Array, x: number): number {
  const n = xs.length;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return ys[n - 1];
  let i = 1;
  while (xs[i] < x) i++;
  const f = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[i - 1] + f * (ys[i] - ys[i - 1]);
}

/** Open-circuit (light-load) voltage at a depth of discharge from 0 to 1, volts. */
export function openCircuitVolts(dod: number): number {
  return interpolate(OCV_DOD, OCV_VOLTS, dod);
}

/** Share of the rated capacity available at `temperatureC` (1 at 20 degC and above). */
export function capacityDerating(temperatureC: number): number {
  return interpolate(DERATE_C, DERATE_SHARE, temperatureC);
}

/** The charge a device can draw from the cell at `temperatureC` before it is flat, mAh. */
export function usableCapacityMah(cell: CellSpec, temperatureC: number): number {
  return cell.nominalMah * cell.usableFraction * capacityDerating(temperatureC);
}

/**
 * Internal resistance, ohm: it rises steeply near the end of discharge and in the cold (the
 * electrolyte's conductivity roughly halves for every 20 degC below room temperature).
 */
export function internalResistanceOhm(cell: CellSpec, dod: number, temperatureC: number): number {
  const d = Math.min(1, Math.max(0, dod));
  const d3 = d * d * d;
  return cell.internalResistanceOhm * (1 + 4 * d3 * d3) * coldResistanceFactor(temperatureC);
}

/** How much the internal resistance grows in the cold (x2 for every 20 degC below 25 degC). */
export function coldResistanceFactor(temperatureC: number): number {
  return temperatureC < 25 ? 2 ** ((25 - temperatureC) / 20) : 1;
}

/** Terminal voltage while `milliamps` are drawn, volts. */
export function loadedVolts(cell: CellSpec, dod: number, temperatureC: number, milliamps: number): number {
  return openCircuitVolts(dod) - (milliamps / 1000) * internalResistanceOhm(cell, dod, temperatureC);
}

/**
 * Self-discharge as an equivalent current, mA: the datasheet rate at 25 degC, doubling every
 * 10 degC above it (Arrhenius rule of thumb), unchanged below.
 */
export function selfDischargeMilliamps(cell: CellSpec, temperatureC: number): number {
  const hot = temperatureC > 25 ? 2 ** ((temperatureC - 25) / 10) : 1;
  return (cell.selfDischargePerYear * cell.nominalMah * hot) / HOURS_PER_YEAR;
}
