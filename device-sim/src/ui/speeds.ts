/** Speeds of virtual time in the terminal device: simulated seconds per real second. */
export const SPEEDS: readonly { readonly factor: number; readonly label: string }[] = [
  { factor: 1, label: 'real time' },
  { factor: 60, label: '1 minute per second' },
  { factor: 3600, label: '1 hour per second' },
  { factor: 86_400, label: '1 day per second' },
  { factor: 604_800, label: '1 week per second' },
];
