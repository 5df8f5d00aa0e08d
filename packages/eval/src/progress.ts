// Throttled progress reporting (rate and ETA) for long loops.
import type { Progress } from './recommender';

export interface ProgressTicker {
  /** Reports `done` out of the total if enough time has passed since the last report. */
  tick(done: number): void;
  /** Always reports (call at the end). */
  finish(): void;
}

export function createProgressTicker(
  stage: string,
  total: number,
  onProgress: ((progress: Progress) => void) | undefined,
  intervalMs = 2000,
): ProgressTicker {
  const started = performance.now();
  let last = started;
  const report = (done: number): void => {
    const elapsed = (performance.now() - started) / 1000;
    const ratePerSecond = elapsed > 0 ? done / elapsed : 0;
    const etaSeconds = ratePerSecond > 0 ? (total - done) / ratePerSecond : 0;
    onProgress?.({ stage, done, total, ratePerSecond, etaSeconds });
  };
  return {
    tick(done) {
      if (!onProgress) return;
      const now = performance.now();
      if (now - last >= intervalMs) {
        last = now;
        report(done);
      }
    },
    finish() {
      report(total);
    },
  };
}
