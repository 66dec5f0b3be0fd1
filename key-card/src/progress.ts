import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on `stream` when it is a terminal; nothing at all otherwise, so logs and pipes stay
 * clean.
 */
export function progressBar(stream: NodeJS.WriteStream, total: number, label = 'cards'): Progress {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `{bar} {percentage}% | {value}/{total} ${label} | {eta_formatted} left`,
      etaBuffer: 200,
      fps: 10,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
