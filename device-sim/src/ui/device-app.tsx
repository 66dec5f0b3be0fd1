import { type Key, useApp, useInput } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { bringDeviceToNow, type SavedDevice } from '../device-file.js';
import { SECONDS_PER_DAY } from '../units.js';
import { type DeviceStatus, describeClockError, deviceStatus } from './device-status.js';
import { type PlainLine, PlainView } from './plain-view.js';
import { RichView } from './rich-view.js';
import { SPEEDS } from './speeds.js';

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
  /** Called after each press and on quit, to save the device. */
  readonly onSave?: () => void;
}

function batteryWords(s: DeviceStatus): string {
  return `battery ${s.batteryPercent} percent, ${s.batteryVolts.toFixed(2)} volts${s.lowBattery ? ', low-battery mark on' : ''}`;
}

function statusWords(s: DeviceStatus): string {
  if (s.state === 'dead') return 'The battery is dead: the display stays blank.';
  return `Device clock ${s.deviceClockMinute} UTC, ${describeClockError(s.clockErrorSeconds)}; ${batteryWords(s)}.`;
}

/** The token in the terminal: a button, a display, virtual time that can run faster. */
export function DeviceApp(props: DeviceAppProps) {
  const { device, plain, now, onSave } = props;
  const fw = device.firmware;
  const { exit } = useApp();
  const [, setVersion] = useState(0);
  const [speedIndex, setSpeedIndex] = useState(0);
  // The speed is read by the clock between renders, so it lives in a ref as well as in state.
  const speed = useRef(0);
  const lastWall = useRef(now());
  const lastState = useRef(fw.state);
  const nextId = useRef(0);
  const [lines, setLines] = useState<PlainLine[]>(() => {
    const s = deviceStatus(fw);
    const intro = [
      `NemID token (nøgleviser), serial ${s.serial}, ${s.title}.`,
      statusWords(s),
      'Keys: space or enter presses the button; plus and minus change the speed of time; d skips a day; w skips a week; s says the status; q quits and saves.',
    ];
    if (props.note) intro.push(props.note);
    return intro.map((text) => ({ id: nextId.current++, text }));
  });

  const say = useCallback((text: string) => {
    setLines((old) => [...old, { id: nextId.current++, text }]);
  }, []);

  // Virtual time = the saved device's "now" plus whatever the speed-up adds on top of real time.
  const catchUp = useCallback(
    (extraSeconds = 0) => {
      const wall = now();
      const dt = Math.max(0, (wall - lastWall.current) / 1000);
      lastWall.current = wall;
      const factor = SPEEDS[speed.current].factor;
      const skip = (device.clock === 'wall' ? factor - 1 : factor) * dt + extraSeconds;
      bringDeviceToNow(device, wall / 1000, skip);
      const state = fw.state;
      if (state !== lastState.current) {
        if (state === 'dead') say('The battery is dead: the display stays blank.');
        else if (state === 'sleeping' && lastState.current === 'showing') say('Display off.');
        lastState.current = state;
      }
      setVersion((v) => v + 1);
    },
    [device, fw, now, say],
  );

  useEffect(() => {
    const timer = setInterval(() => catchUp(), props.tickMs ?? 250);
    return () => clearInterval(timer);
  }, [catchUp, props.tickMs]);

  const quitting = useRef(false);
  const handleKey = (input: string, key: Key): void => {
    if (quitting.current) return;
    if (input === 'q' || key.escape || (key.ctrl && input === 'c')) {
      quitting.current = true;
      catchUp();
      onSave?.();
      exit();
      return;
    }
    if (input === ' ' || key.return) {
      catchUp();
      const code = fw.press(fw.trueUnix);
      lastState.current = fw.state;
      onSave?.();
      const s = deviceStatus(fw);
      if (code < 0) say('Nothing happens: the battery is dead.');
      else say(`Code ${s.code}${s.lowBattery ? ', with the low-battery mark' : ''}.`);
      setVersion((v) => v + 1);
      return;
    }
    if (input === '+' || input === '=' || input === '-' || input === '_') {
      catchUp();
      const faster = input === '+' || input === '=';
      const next = Math.max(0, Math.min(SPEEDS.length - 1, speed.current + (faster ? 1 : -1)));
      speed.current = next;
      setSpeedIndex(next);
      say(`Speed: ${SPEEDS[next].label}.`);
      return;
    }
    if (input === 'd' || input === 'w') {
      catchUp(input === 'd' ? SECONDS_PER_DAY : 7 * SECONDS_PER_DAY);
      say(`Skipped a ${input === 'd' ? 'day' : 'week'}. ${statusWords(deviceStatus(fw))}`);
      return;
    }
    if (input === 's') say(statusWords(deviceStatus(fw)));
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
  return <RichView status={deviceStatus(fw)} speed={SPEEDS[speedIndex].label} note={props.note} />;
}
