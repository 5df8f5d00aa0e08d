export interface TransferProgress {
  phase: 'hash' | 'upload' | 'download' | 'verify';
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** Bytes per second since the phase started. */
  bytesPerSecond: number;
  /** Seconds left at the current rate; undefined until there is a rate. */
  etaSeconds: number | undefined;
}

export type ProgressCallback = (progress: TransferProgress) => void;

/** Accumulates bytes/files and reports at most once per `intervalMs` (and once at the end). */
export class ProgressTracker {
  private bytesDone = 0;
  private filesDone = 0;
  private lastReport = 0;
  private readonly startedAt = performance.now();

  constructor(
    private readonly phase: TransferProgress['phase'],
    private readonly bytesTotal: number,
    private readonly filesTotal: number,
    private readonly callback: ProgressCallback | undefined,
    private readonly intervalMs = 1_000,
  ) {}

  addBytes(count: number): void {
    this.bytesDone += count;
    this.maybeReport(false);
  }

  fileDone(): void {
    this.filesDone += 1;
    this.maybeReport(this.filesDone === this.filesTotal);
  }

  private maybeReport(force: boolean): void {
    if (!this.callback) return;
    const now = performance.now();
    if (!force && now - this.lastReport < this.intervalMs) return;
    this.lastReport = now;
    const seconds = (now - this.startedAt) / 1000;
    const bytesPerSecond = seconds > 0 ? this.bytesDone / seconds : 0;
    const remaining = Math.max(0, this.bytesTotal - this.bytesDone);
    this.callback({
      phase: this.phase,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? remaining / bytesPerSecond : undefined,
    });
  }
}
