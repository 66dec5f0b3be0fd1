import { readText, writePrivateFile } from './data-folder.js';

/**
 * What the first start made, for the later starts to print: the demo customer's user id and
 * password (a demo account on 127.0.0.1, in a file only the owner can read).
 */
export interface DemoState {
  readonly version: 1;
  readonly createdAt: string;
  readonly userId: string;
  readonly nemIdNumber: string;
  readonly cpr: string;
  readonly name: string;
  /** The password set at the first start (the user may have changed it since). */
  readonly password: string;
  readonly tokenSerial: string;
}

export class StateFileError extends Error {}

export function writeState(path: string, state: DemoState): void {
  writePrivateFile(path, `${JSON.stringify(state, null, 2)}\n`);
}

export function readState(path: string): DemoState {
  let json: unknown;
  try {
    json = JSON.parse(readText(path));
  } catch {
    throw new StateFileError(`${path} is not readable JSON`);
  }
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const keys = ['createdAt', 'userId', 'nemIdNumber', 'cpr', 'name', 'password', 'tokenSerial'] as const;
  if (o.version !== 1 || keys.some((k) => typeof o[k] !== 'string')) {
    throw new StateFileError(`${path} is not a demo state file of this version`);
  }
  return o as unknown as DemoState;
}
