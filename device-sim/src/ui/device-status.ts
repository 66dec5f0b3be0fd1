import { formatCode } from '@nemid-sim/core';
import type { TokenFirmware } from '../firmware.js';
import { formatSerial } from '../serial.js';
import { groupCode } from './big-digits.js';

/** What the views show, computed from the firmware in one place so both views agree. */
export interface DeviceStatus {
  readonly title: string;
  readonly serial: string;
  /** The code as the display groups it (`123 456`), or '' when the display is blank. */
  readonly code: string;
  readonly state: 'sleeping' | 'showing' | 'dead';
  readonly lowBattery: boolean;
  readonly secondsLeft: number;
  readonly batteryPercent: number;
  readonly batteryVolts: number;
  /** The device's own clock, `YYYY-MM-DD HH:MM:SS` UTC. */
  readonly deviceClock: string;
  /** The device's clock to the minute, for the plain view (which should not chatter every second). */
  readonly deviceClockMinute: string;
  readonly clockErrorSeconds: number;
  readonly trueClock: string;
}

function utc(unix: number): string {
  return new Date(Math.floor(unix) * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

export function deviceStatus(fw: TokenFirmware): DeviceStatus {
  const c = fw.config;
  const deviceUnix = fw.deviceUnixAt(fw.trueUnix);
  const shown = fw.displayedCode;
  return {
    title: `${c.mode.toUpperCase()}, ${c.digits} digits${c.mode === 'totp' ? `, ${c.stepSeconds} s step` : ''}`,
    serial: formatSerial(c.serial),
    code: shown < 0 ? '' : groupCode(formatCode(shown, c.digits)),
    state: fw.state,
    lowBattery: fw.lowBattery,
    secondsLeft: Math.ceil(fw.displaySecondsLeft),
    batteryPercent: Math.round(100 * (1 - fw.depthOfDischarge)),
    batteryVolts: fw.batteryVolts,
    deviceClock: utc(deviceUnix),
    deviceClockMinute: utc(deviceUnix).slice(0, 16),
    clockErrorSeconds: fw.clockErrorAt(fw.trueUnix),
    trueClock: utc(fw.trueUnix),
  };
}

/**
 * The device clock's error in words: `2.4 s ahead of true time`, `10.0 min behind true time`, or
 * `on true time` when it rounds to 0.0 s (so it never reads "0.0 s behind").
 */
export function describeClockError(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs < 0.05) return 'on true time';
  const size = abs >= 120 ? `${(abs / 60).toFixed(1)} min` : `${abs.toFixed(1)} s`;
  return seconds > 0 ? `${size} ahead of true time` : `${size} behind true time`;
}
