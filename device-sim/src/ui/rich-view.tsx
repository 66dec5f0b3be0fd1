import { Box, Text } from 'ink';
import { describeDuration } from '../duration.js';
import { BIG_DIGIT_ROWS, bigDigits } from './big-digits.js';
import { type DeviceStatus, describeClockError } from './device-status.js';

/** What the rich view says about a running simulation (time faster than real time). */
export interface SimulationView {
  /** How far the simulated device is ahead of the saved one, seconds. */
  readonly aheadSeconds: number;
  /** A code is shown, so time runs at real speed until the display goes off. */
  readonly realSpeedWhileShown: boolean;
  readonly totp: boolean;
}

function gauge(percent: number): string {
  const full = Math.round(percent / 10);
  return `${'■'.repeat(full)}${'□'.repeat(10 - full)}`;
}

interface RichViewProps {
  readonly status: DeviceStatus;
  readonly speed: string;
  readonly simulation: SimulationView | null;
  /** The saved device lives this far ahead of the computer's clock (wall-clock devices). */
  readonly fileAheadSeconds: number;
  readonly note: string | undefined;
}

/** The token drawn in a box: big digits, battery gauge, clock, and the keys. */
export function RichView(props: RichViewProps) {
  const s = props.status;
  const sim = props.simulation;
  const rows = s.code === '' ? Array.from({ length: BIG_DIGIT_ROWS }, () => '') : bigDigits(s.code);
  const batteryColor = s.state === 'dead' ? 'red' : s.lowBattery ? 'yellow' : 'green';
  return (
    <Box flexDirection="column">
      {sim ? (
        <Text>
          <Text inverse color="yellow">
            {' SIMULATION '}
          </Text>{' '}
          {describeDuration(sim.aheadSeconds)} ahead of real time; not saved
          {sim.totp ? '; a server will refuse these codes' : ''}
        </Text>
      ) : null}
      <Box flexDirection="column" borderStyle="round" paddingX={2} width={44}>
        <Box justifyContent="space-between">
          <Text bold>NemID nøgleviser</Text>
          <Text color={batteryColor}>{s.lowBattery && s.state !== 'dead' ? '▯ LOW' : ''}</Text>
        </Box>
        <Box flexDirection="column" borderStyle="single" paddingX={1} marginY={1} height={BIG_DIGIT_ROWS + 2}>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the rows of the display are fixed positions
            <Text key={i} color="cyan">
              {row}
            </Text>
          ))}
        </Box>
        <Text dimColor>{s.serial}</Text>
      </Box>
      <Text>
        {'  '}
        <Text inverse> PRESS </Text> space or enter{' '}
        {s.state === 'showing' ? `(code shown ${s.secondsLeft} s more)` : s.state === 'dead' ? '(dead)' : ''}
      </Text>
      <Text>
        Battery <Text color={batteryColor}>{gauge(s.state === 'dead' ? 0 : s.batteryPercent)}</Text>{' '}
        {s.state === 'dead' ? 'dead' : `${s.batteryPercent} %  ${s.batteryVolts.toFixed(2)} V`}
      </Text>
      <Text>
        {s.state === 'dead'
          ? 'Device clock stopped (battery dead)'
          : `Device clock ${s.deviceClock} UTC (${describeClockError(s.clockErrorSeconds)})`}
      </Text>
      <Text dimColor>
        {sim ? 'Simulated true time' : 'True time'} {s.trueClock} UTC
      </Text>
      {props.fileAheadSeconds >= 1 ? (
        <Text color="yellow">
          This device lives {describeDuration(props.fileAheadSeconds)} ahead of real time: a server will
          refuse its codes
        </Text>
      ) : null}
      <Text>
        {s.title} · speed {props.speed}
        {sim?.realSpeedWhileShown ? ' (real time while a code is shown)' : ''}
      </Text>
      <Text dimColor>
        keys: space/enter press · + faster · - slower · d skip a day · w skip a week ·{' '}
        {sim ? 'r real time · k keep · ' : ''}q quit
      </Text>
      {props.note ? <Text color="yellow">{props.note}</Text> : null}
    </Box>
  );
}
