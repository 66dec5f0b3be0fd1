import type { SavedDevice } from './device-file.js';

export interface RunDeviceUiOptions {
  readonly device: SavedDevice;
  /** Plain sentences, no box drawing and no colour (for screen readers; also used for NO_COLOR). */
  readonly plain: boolean;
  /**
   * Where to save the device after each real-time press, on quit, and when a simulation is kept;
   * omit for a device kept in memory. A simulation (faster time) is never saved unless kept.
   */
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
  // A failed save must not tear down the terminal mid-draw: remember it, try again at the next
  // press or on quit, and report it once the display is gone.
  let saveError: unknown;
  const path = options.savePath;
  const save =
    path === undefined
      ? undefined
      : (device: SavedDevice) => {
          try {
            writeDeviceFile(path, device);
            saveError = undefined;
          } catch (err) {
            saveError = err;
          }
        };
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
  if (saveError !== undefined) {
    const code = (saveError as NodeJS.ErrnoException).code ?? (saveError as Error).message;
    throw new RangeError(`could not save the device to ${path} (${code})`);
  }
}
