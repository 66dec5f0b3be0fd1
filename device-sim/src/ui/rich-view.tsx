import { Box, Text } from 'ink';
import { BIG_DIGIT_ROWS, bigDigits } from './big-digits.js';
import { type DeviceStatus, describeClockError } from './device-status.js';

function gauge(percent: number): string {
  const full = Math.round(percent / 10);
  return `${'■'.repeat(full)}${'□'.repeat(10 - full)}`;
}

/** The token drawn in a box: big digits, battery gauge, clock, and the keys. */
export function RichView(props: { status: DeviceStatus; speed: string; note: string | undefined }) {
  const s = props.status;
  const rows = s.code === '' ? Array.from({ length: BIG_DIGIT_ROWS }, () => '') : bigDigits(s.code);
  const batteryColor = s.state === 'dead' ? 'red' : s.lowBattery ? 'yellow' : 'green';
  return (
    <Box flexDirection="column">
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
      <Text dimColor>True time {s.trueClock} UTC</Text>
      <Text>
        {s.title} · speed {props.speed}
      </Text>
      <Text dimColor>
        keys: space/enter press · + faster · - slower · d skip a day · w skip a week · q quit
      </Text>
      {props.note ? <Text color="yellow">{props.note}</Text> : null}
    </Box>
  );
}
