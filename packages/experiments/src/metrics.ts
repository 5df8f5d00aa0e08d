// The per-user metrics a readout can use. Counts and minutes are means of per-user values
// (Welch); rates are ratios of per-user sums (delta method), because a user's listens are not
// independent of each other.

export const METRIC_NAMES = ['plays', 'listening_minutes', 'saves', 'listens', 'completion_rate', 'skip_rate'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricDefinition {
  name: MetricName;
  label: string;
  kind: 'mean' | 'ratio';
  /** which way is good */
  direction: 'increase' | 'decrease';
  description: string;
}

export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = {
  plays: { name: 'plays', label: 'plays per user', kind: 'mean', direction: 'increase', description: 'listens not skipped (play + complete events) per user' },
  listening_minutes: { name: 'listening_minutes', label: 'listening minutes per user', kind: 'mean', direction: 'increase', description: 'Σ msPlayed / 60,000 per user' },
  saves: { name: 'saves', label: 'saves per user', kind: 'mean', direction: 'increase', description: 'save events per user' },
  listens: { name: 'listens', label: 'listens per user', kind: 'mean', direction: 'increase', description: 'started listens (play + complete + skip) per user' },
  completion_rate: { name: 'completion_rate', label: 'completion rate', kind: 'ratio', direction: 'increase', description: 'complete events / started listens (ratio of per-user sums)' },
  skip_rate: { name: 'skip_rate', label: 'skip rate', kind: 'ratio', direction: 'decrease', description: 'skip events / started listens (ratio of per-user sums)' },
};

export function isMetricName(value: string): value is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(value);
}
