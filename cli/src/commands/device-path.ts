import { readDeviceFile, type SavedDevice } from '@nemid-sim/device-sim';
import { UsageError } from '../errors.js';

/** The device file to use: --device, else $NEMID_DEVICE; undefined when neither is set. */
export function devicePath(opts: { device?: string }): string | undefined {
  return opts.device ?? (process.env.NEMID_DEVICE || undefined);
}

export const DEVICE_HELP = 'the device file (default: $NEMID_DEVICE)';

export function loadDevice(path: string | undefined): SavedDevice {
  if (path === undefined) {
    throw new UsageError(
      'no device: give --device FILE or set NEMID_DEVICE (create one with: nemid device new --out FILE)',
    );
  }
  return readDeviceFile(path);
}
