/**
 * Lithium manganese dioxide coin cells (3 V). Figures are nominal datasheet values; see
 * docs/device-sim.md for where each one comes from.
 */
export const CELL_NAMES = ['cr2016', 'cr2032'] as const;
export type CellName = (typeof CELL_NAMES)[number];

export interface CellSpec {
  readonly name: CellName;
  /** Nominal capacity to 2.0 V at a light load, mAh (Energizer and Panasonic datasheets). */
  readonly nominalMah: number;
  /**
   * The share of the nominal capacity a device can draw before its brown-out: pulse loads and the
   * device's 2.0-2.2 V minimum leave the tail of the curve unused.
   */
  readonly usableFraction: number;
  /** Internal resistance of a fresh cell at 25 degC, ohm. */
  readonly internalResistanceOhm: number;
  /** Self-discharge at 25 degC, as a share of nominal capacity per year. */
  readonly selfDischargePerYear: number;
}

export const CELLS: Readonly<Record<CellName, CellSpec>> = {
  cr2016: {
    name: 'cr2016',
    nominalMah: 90,
    usableFraction: 0.9,
    internalResistanceOhm: 25,
    selfDischargePerYear: 0.01,
  },
  cr2032: {
    name: 'cr2032',
    nominalMah: 225,
    usableFraction: 0.9,
    internalResistanceOhm: 15,
    selfDischargePerYear: 0.01,
  },
};

/** The cell in a new device unless asked otherwise: a thin key-fob token takes a CR2016. */
export const DEFAULT_CELL: CellName = 'cr2016';

export function cellSpec(name: string): CellSpec {
  if (!(CELL_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`cell must be one of ${CELL_NAMES.join(', ')}`);
  }
  return CELLS[name as CellName];
}
