import { type Key, useApp, useInput } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  aheadOfWallWords,
  bringDeviceToNow,
  type SavedDevice,
  secondsAheadOfWall,
  simulationCopy,
} from '../device-file.js';
import { describeDuration } from '../duration.js';
import { SECONDS_PER_DAY } from '../units.js';
import { type DeviceStatus, describeClockError, deviceStatus } from './device-status.js';
import { type PlainLine, PlainView } from './plain-view.js';
import { RichView, type SimulationView } from './rich-view.js';
import { SPEEDS, simulatedSeconds } from './speeds.js';

export interface DeviceAppProps {
  readonly device: SavedDevice;
  /** Plain sentences for screen readers instead of the drawn device. */
  readonly plain: boolean;
  /** The computer's clock in milliseconds (an input, so tests can drive time). */
  readonly now: () => number;
  /** How often the display and clock are refreshed, ms. */
  readonly tickMs?: number;
  /** A line shown under the device, e.g. that a demo device is not saved. */
  readonly note?: string;
  /** Called with the device to save after each real-time press, on `k` and on quit. */
  readonly onSave?: (device: SavedDevice) => void;
}

function batteryWords(s: DeviceStatus): string {
  return `battery ${s.batteryPercent} percent, ${s.batteryVolts.toFixed(2)} volts${s.lowBattery ? ', low-battery mark on' : ''}`;
}

function statusWords(s: DeviceStatus): string {
  if (s.state === 'dead') return 'The battery is dead: the display stays blank.';
  return `Device clock ${s.deviceClockMinute} UTC, ${describeClockError(s.clockErrorSeconds)}; ${batteryWords(s)}.`;
}

function aheadWords(seconds: number): string {
  return `${describeDuration(seconds)} ahead of real time`;
}

/**
 * The token in the terminal: a button and a display, in real time. Faster time (`+`) and skipped
 * days (`d`, `w`) run a simulation: a copy of the device on its own clock, shown as such, while
 * the saved device keeps living in real time. `r` ends the simulation; `k` keeps its state (the
 * device then stays that far ahead). While a code is shown, time runs at real speed.
 */
export function DeviceApp(props: DeviceAppProps) {
  const { plain, now, onSave } = props;
  const { exit } = useApp();
  const [, setVersion] = useState(0);
  // Read by the clock between renders, so they live in refs; a render is asked for after changes.
  const real = useRef(props.device);
  const sim = useRef<SavedDevice | null>(null);
  const speed = useRef(0);
  const lastWall = useRef(now());
  const shown = (): SavedDevice => sim.current ?? real.current;
  const lastState = useRef(shown().firmware.state);
  const nextId = useRef(0);
  const [lines, setLines] = useState<PlainLine[]>(() => {
    const s = deviceStatus(real.current.firmware);
    const intro = [
      `NemID token (nøgleviser), serial ${s.serial}, ${s.title}.`,
      statusWords(s),
      'Keys: space or enter presses the button; plus and minus change the speed of time; d skips a day; w skips a week; s says the status; q quits and saves.',
    ];
    const ahead = secondsAheadOfWall(real.current, now() / 1000);
    if (ahead >= 1) intro.push(fileAheadWords(ahead));
    if (props.note) intro.push(props.note);
    return intro.map((text) => ({ id: nextId.current++, text }));
  });

  const say = useCallback((text: string) => {
    setLines((old) => [...old, { id: nextId.current++, text }]);
  }, []);

  // The saved device lives in real time; the simulation, if any, at its speed on top.
  const catchUp = useCallback(
    (skipSeconds = 0) => {
      const wall = now();
      const dt = Math.max(0, (wall - lastWall.current) / 1000);
      lastWall.current = wall;
      const device = real.current;
      bringDeviceToNow(device, wall / 1000, device.clock === 'virtual' ? dt : 0);
      const copy = sim.current;
      if (copy !== null) {
        const fw = copy.firmware;
        const step = simulatedSeconds(dt, SPEEDS[speed.current].factor, fw.displaySecondsLeft);
        fw.advanceTo(fw.trueUnix + step + skipSeconds);
      }
      const state = (sim.current ?? real.current).firmware.state;
      if (state !== lastState.current) {
        if (state === 'dead') say('The battery is dead: the display stays blank.');
        else if (state === 'sleeping' && lastState.current === 'showing') say('Display off.');
        lastState.current = state;
      }
      setVersion((v) => v + 1);
    },
    [now, say],
  );

  useEffect(() => {
    const timer = setInterval(() => catchUp(), props.tickMs ?? 250);
    return () => clearInterval(timer);
  }, [catchUp, props.tickMs]);

  const simulating = (): SavedDevice => {
    if (sim.current === null) {
      catchUp();
      sim.current = simulationCopy(real.current);
      const totp = real.current.firmware.config.mode === 'totp';
      say(
        `Simulation: time runs faster than real time on a copy of the device. The saved device keeps its real clock${
          totp ? ', and codes shown now belong to the simulated time, so a server will refuse them' : ''
        }; presses are not saved. r returns to real time; k keeps the simulated state in the saved device.`,
      );
    }
    return sim.current;
  };

  const simAhead = (): number =>
    sim.current === null ? 0 : sim.current.firmware.trueUnix - real.current.firmware.trueUnix;

  const quitting = useRef(false);
  const handleKey = (input: string, key: Key): void => {
    if (quitting.current) return;
    if (input === 'q' || key.escape || (key.ctrl && input === 'c')) {
      quitting.current = true;
      catchUp();
      onSave?.(real.current);
      exit();
      return;
    }
    if (input === ' ' || key.return) {
      catchUp();
      const fw = shown().firmware;
      const code = fw.press(fw.trueUnix);
      lastState.current = fw.state;
      if (sim.current === null) onSave?.(real.current);
      const s = deviceStatus(fw);
      const where = sim.current === null ? '' : ` (simulation, ${aheadWords(simAhead())})`;
      if (code < 0) say(`Nothing happens: the battery is dead${where}.`);
      else say(`Code ${s.code}${s.lowBattery ? ', with the low-battery mark' : ''}${where}.`);
      setVersion((v) => v + 1);
      return;
    }
    if (input === '+' || input === '=' || input === '-' || input === '_') {
      const faster = input === '+' || input === '=';
      if (faster) simulating();
      catchUp();
      const next = Math.max(0, Math.min(SPEEDS.length - 1, speed.current + (faster ? 1 : -1)));
      speed.current = next;
      say(`Speed: ${SPEEDS[next].label}.`);
      setVersion((v) => v + 1);
      return;
    }
    if (input === 'd' || input === 'w') {
      simulating();
      catchUp(input === 'd' ? SECONDS_PER_DAY : 7 * SECONDS_PER_DAY);
      say(
        `Skipped a ${input === 'd' ? 'day' : 'week'} (simulation, ${aheadWords(simAhead())}). ${statusWords(deviceStatus(shown().firmware))}`,
      );
      return;
    }
    if (input === 'r' && sim.current !== null) {
      sim.current = null;
      speed.current = 0;
      catchUp();
      lastState.current = real.current.firmware.state;
      say(
        `Real time again: the saved device, as it is now. ${statusWords(deviceStatus(real.current.firmware))}`,
      );
      return;
    }
    if (input === 'k' && sim.current !== null) {
      catchUp();
      const kept = sim.current;
      const wall = now() / 1000;
      const device = real.current;
      real.current = {
        firmware: kept.firmware,
        seed: device.seed,
        clock: device.clock,
        skewSeconds: device.clock === 'wall' ? kept.firmware.trueUnix - wall : 0,
      };
      sim.current = null;
      speed.current = 0;
      onSave?.(real.current);
      const ahead = secondsAheadOfWall(real.current, wall);
      say(
        `Kept: the saved device now has the simulated state, at real speed.${ahead >= 1 ? ` ${fileAheadWords(ahead)}` : ''}`,
      );
      setVersion((v) => v + 1);
      return;
    }
    if (input === 's') {
      const ahead = sim.current === null ? '' : ` Simulation, ${aheadWords(simAhead())}.`;
      say(`${statusWords(deviceStatus(shown().firmware))}${ahead}`);
    }
  };

  useInput((input, key) => {
    // Keys typed faster than a render (or pasted) arrive together; take them one at a time.
    if (input.length > 1 && !key.ctrl && !key.meta) {
      for (const ch of input) handleKey(ch, key);
      return;
    }
    handleKey(input, key);
  });

  if (plain) return <PlainView lines={lines} />;
  const fw = shown().firmware;
  const simulation: SimulationView | null =
    sim.current === null
      ? null
      : {
          aheadSeconds: simAhead(),
          realSpeedWhileShown: speed.current > 0 && fw.state === 'showing',
          totp: fw.config.mode === 'totp',
        };
  return (
    <RichView
      status={deviceStatus(fw)}
      speed={SPEEDS[speed.current].label}
      simulation={simulation}
      fileAheadSeconds={sim.current === null ? secondsAheadOfWall(real.current, now() / 1000) : 0}
      note={props.note}
    />
  );
}

/** Said when the saved device itself lives ahead of the computer's clock (e.g. after --advance). */
function fileAheadWords(seconds: number): string {
  return `Note: ${aheadOfWallWords(seconds)}.`;
}
