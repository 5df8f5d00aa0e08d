// Response shapes of the three services (see apps/home, apps/search, apps/playlists routes).
import type { PlanView } from './plan';

export interface HomeItem {
  trackId: string;
  title: string;
  artists: string[];
  reason: string;
}
export interface HomeShelf {
  id: string;
  type: string;
  title: string;
  items: HomeItem[];
}
export interface HomePage {
  userId: string;
  bundleVersion: string;
  generatedAt: string;
  coldStart?: boolean;
  daypart?: string;
  shelves: HomeShelf[];
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

export interface ServiceStatus {
  name: string;
  url: string;
  ready: boolean;
  detail?: string;
  bundleVersion?: string;
  requests: number;
  p50Ms?: number;
  p95Ms?: number;
  window: 'recent' | 'since-start';
}
