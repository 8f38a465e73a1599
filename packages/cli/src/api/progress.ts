import cliProgress from 'cli-progress';

/** A byte progress bar on stderr (nothing when stderr is not a terminal). */
export function byteBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {done}/{size}`, stream: process.stderr, hideCursor: false, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.max(total, 1), 0, { done: size(0), size: size(total) });
        started = true;
      }
      bar.update(done, { done: size(done), size: size(total) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
