// Response shapes of the three services (see apps/home, apps/search, apps/playlists routes).
import type { ExperimentsDescription } from '@mixtape/experiments';
import type { HomeItem, HomeShelf } from '@mixtape/ranking';
import type { PlanView } from './plan';

// Home's items and shelves are the ranking engine's own (the service adds page metadata).
export type { HomeItem, HomeShelf };

export interface HomePage {
  userId: string;
  bundleVersion: string;
  generatedAt: string;
  coldStart?: boolean;
  daypart?: string;
  shelves: HomeShelf[];
}

/** `GET /v1/users/:userId/next` and `GET /v1/radio` (the next-track model) */
export interface NextItem {
  trackId: string;
  title: string;
  artists: string[];
  score: number;
}
export interface UpNext {
  userId: string;
  bundleVersion: string;
  continuesFrom: { trackId: string; title: string; artists: string[] };
  session: { events: number; windowMinutes: number };
  items: NextItem[];
}
export interface Radio {
  seed: { trackId: string; title: string; artists: string[] };
  bundleVersion: string;
  items: NextItem[];
}

export interface SearchHit {
  type: 'track' | 'artist' | 'album';
  id: string;
  name: string;
  artists?: { id: string; name: string }[];
  score: number;
  matched: string[];
}
export interface SearchAnswer {
  query: string;
  descriptive?: { terms: string[]; constraints: string[]; coverage: number };
  personalized?: boolean;
  results: SearchHit[];
}

export interface PlaylistTrack {
  trackId: string;
  title: string;
  artists: string[];
  note: string;
}
export interface Playlist {
  id: string;
  version: number;
  parentVersion?: number | null;
  title: string;
  description: string;
  prompt: string;
  planner: string;
  fallbackReason?: string;
  changes?: unknown;
  plan: PlanView;
  tracks: PlaylistTrack[];
  bundleVersion?: string;
}

export type { ServiceStatus } from '../../src/status';

/** `GET /v1/experiments` of a service: the definitions it serves and who gets what. */
export type ServiceExperiments = ExperimentsDescription;

export interface ReadoutSummary {
  name: string;
  experiment: string;
  status: 'ok' | 'blocked-srm' | 'insufficient-data';
  verdict: 'ship' | 'no-ship' | 'inconclusive' | 'blocked';
  reasons: string[];
  period: { start: string; end: string; days: number };
  modified: string;
}

interface Comparison {
  control: number;
  treatment: number;
  difference: number;
  interval: [number, number];
  relative: number;
  relativeInterval: [number | null, number | null];
  pValue: number;
}

/** The parts of an experiment readout JSON the page shows. */
export interface Readout {
  experiment: string;
  control: string;
  status: ReadoutSummary['status'];
  message?: string;
  period: ReadoutSummary['period'];
  sequentialMethod: 'group-sequential' | 'msprt';
  variants: { key: string; users: number; analyzed: number; expectedShare: number }[];
  srm: { chiSquare: number; pValue: number; mismatch: boolean; threshold: number };
  metrics: {
    metric: string;
    label: string;
    role: 'primary' | 'secondary' | 'guardrail' | 'monitor';
    variant: string;
    raw: Comparison;
    cuped?: Comparison & { varianceReduction: number };
    verdict: 'better' | 'worse' | 'not-significant';
    guardrail?: { margin: number; passed: boolean; bound: number };
  }[];
  decision: { verdict: ReadoutSummary['verdict']; reasons: string[] };
}
