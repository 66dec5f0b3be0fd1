import type { SavedDevice } from './device-file.js';

export interface RunDeviceUiOptions {
  readonly device: SavedDevice;
  /** Plain sentences, no box drawing and no colour (for screen readers; also used for NO_COLOR). */
  readonly plain: boolean;
  /** Where to save the device after each press and on quit; omit for a device kept in memory. */
  readonly savePath?: string;
  /** A line shown with the device, e.g. that it is a demo. */
  readonly note?: string;
  /** The computer's clock, ms; default Date.now. */
  readonly now?: () => number;
}

/**
 * Runs the terminal device until the user quits. Ink and React are loaded only here, so commands
 * that never draw the device do not pay for them.
 */
export async function runDeviceUi(options: RunDeviceUiOptions): Promise<void> {
  const [{ render }, { createElement }, { DeviceApp }, { writeDeviceFile }] = await Promise.all([
    import('ink'),
    import('react'),
    import('./ui/device-app.js'),
    import('./device-file.js'),
  ]);
  const save =
    options.savePath === undefined ? undefined : () => writeDeviceFile(options.savePath!, options.device);
  const app = render(
    createElement(DeviceApp, {
      device: options.device,
      plain: options.plain,
      now: options.now ?? Date.now,
      note: options.note,
      onSave: save,
    }),
    { exitOnCtrlC: false, patchConsole: false },
  );
  await app.waitUntilExit();
}
