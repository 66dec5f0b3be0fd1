import { Static, Text } from 'ink';

export interface PlainLine {
  readonly id: number;
  readonly text: string;
}

/**
 * For screen readers: plain sentences, appended and never redrawn, no boxes and no colour. A line
 * is added when something happens (a press, the display going off, a speed change), so nothing
 * chatters while the clock ticks.
 */
export function PlainView(props: { lines: readonly PlainLine[] }) {
  return <Static items={[...props.lines]}>{(line) => <Text key={line.id}>{line.text}</Text>}</Static>;
}
