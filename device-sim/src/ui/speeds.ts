/** Speeds of time in the terminal device: simulated seconds per real second. */
export const SPEEDS: readonly { readonly factor: number; readonly label: string }[] = [
  { factor: 1, label: 'real time' },
  { factor: 60, label: '1 minute per second' },
  { factor: 3600, label: '1 hour per second' },
  { factor: 86_400, label: '1 day per second' },
  { factor: 604_800, label: '1 week per second' },
];

/**
 * Simulated seconds that pass in `realSeconds` at `factor`. While a code is on the display (for
 * `showingSeconds` more) time runs at real speed, so the code stays readable for as long as the
 * device shows it; the chosen speed resumes when the display goes off.
 */
export function simulatedSeconds(realSeconds: number, factor: number, showingSeconds: number): number {
  if (realSeconds <= showingSeconds) return realSeconds;
  return showingSeconds + (realSeconds - showingSeconds) * factor;
}
