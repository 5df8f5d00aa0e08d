import { describe, expect, it } from 'vitest';
import { ProgressTracker, formatProgress, type ProgressEvent } from './progress';

describe('progress', () => {
  it('formats one human line with amount, share, rate and ETA', () => {
    expect(formatProgress({ phase: 'generate interactions', done: 1_200_000, total: 2_000_000, unit: 'plays', ratePerSecond: 850_000, etaSeconds: 0.9, elapsedSeconds: 1.4 })).toBe(
      'generate interactions 1.2M/2.0M plays (60%) 850.0k/s ETA 1s',
    );
    expect(formatProgress({ phase: 'read', done: 42, unit: 'rows', ratePerSecond: 10, elapsedSeconds: 4 })).toBe('read 42 rows 10/s');
  });

  it('throttles updates, always reports the finish once, and computes the ETA from the rate', () => {
    const events: ProgressEvent[] = [];
    const tracker = new ProgressTracker('train', 'rows', 100, (event) => events.push(event), 60_000);
    tracker.update(10);
    tracker.update(20);
    expect(events).toEqual([]);
    tracker.finish(100);
    tracker.finish(100);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ phase: 'train', done: 100, total: 100, unit: 'rows' });
    const every: ProgressEvent[] = [];
    const eager = new ProgressTracker('train', 'rows', undefined, (event) => every.push(event), 0);
    eager.update(1);
    eager.update(2);
    expect(every.map((event) => [event.done, event.etaSeconds])).toEqual([
      [1, undefined],
      [2, undefined],
    ]);
  });
});
