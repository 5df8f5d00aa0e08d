// Progress of long work (generation, import, training, evaluation): what is done out of how
// much, the rate and the ETA — one event shape and one line format for every package.

export interface ProgressEvent {
  /** what is being done, e.g. "generate interactions", "cholesky" */
  phase: string;
  done: number;
  /** undefined when the total is not known in advance (streaming input) */
  total?: number;
  /** what `done` counts, e.g. "plays", "rows", "tokens" */
  unit: string;
  ratePerSecond: number;
  /** seconds left, when the total is known */
  etaSeconds?: number;
  elapsedSeconds: number;
}

export type ProgressCallback = (event: ProgressEvent) => void;

/** Rate-limits progress callbacks to one per `intervalMs` and computes rate and ETA. */
export class ProgressTracker {
  private readonly start = Date.now();
  // the first line comes after one interval, when the rate means something
  private lastReport = this.start;
  private lastDone = -1;

  constructor(
    private readonly phase: string,
    private readonly unit: string,
    private readonly total: number | undefined,
    private readonly callback: ProgressCallback | undefined,
    private readonly intervalMs = 1000,
  ) {}

  /** Reports `done` if `intervalMs` has passed since the last report (always with `force`). */
  update(done: number, force = false): void {
    if (!this.callback) return;
    const now = Date.now();
    if (!force && now - this.lastReport < this.intervalMs) return;
    if (done === this.lastDone) return; // finish() right after an update: no duplicate line
    this.lastReport = now;
    this.lastDone = done;
    const elapsedSeconds = (now - this.start) / 1000;
    const ratePerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
    const etaSeconds =
      this.total !== undefined && ratePerSecond > 0 ? Math.max(0, (this.total - done) / ratePerSecond) : undefined;
    this.callback({ phase: this.phase, done, total: this.total, unit: this.unit, ratePerSecond, etaSeconds, elapsedSeconds });
  }

  /** Always reports (call once at the end). */
  finish(done: number): void {
    this.update(done, true);
  }
}

/** Formats a progress event as one human line: "generate interactions 1.2M/2.0M plays (60%) 850k/s ETA 1s". */
export function formatProgress(event: ProgressEvent): string {
  const amount = event.total !== undefined ? `${compact(event.done)}/${compact(event.total)}` : compact(event.done);
  const percent = event.total ? ` (${Math.floor((100 * event.done) / event.total)}%)` : '';
  const eta = event.etaSeconds !== undefined ? ` ETA ${event.etaSeconds.toFixed(0)}s` : '';
  return `${event.phase} ${amount} ${event.unit}${percent} ${compact(event.ratePerSecond)}/s${eta}`;
}

function compact(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}
