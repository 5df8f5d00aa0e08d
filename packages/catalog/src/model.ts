// The catalog and listening-data model shared by every package. zod schemas are the boundary
// checks (importers, snapshots, HTTP); the inferred types are what code passes around.
import { z } from 'zod';

export const AUDIO_FEATURES = [
  'danceability',
  'energy',
  'valence',
  'tempo',
  'acousticness',
  'instrumentalness',
  'speechiness',
  'liveness',
  'loudness',
  'key',
  'mode',
] as const;
export type AudioFeatureName = (typeof AUDIO_FEATURES)[number];

/**
 * The valid range of each audio feature (Spotify's conventions): 0..1 unless noted; tempo in BPM,
 * loudness in dB, key a pitch class (-1 unknown), mode 1 = major. The schema below and the
 * importers' row checks read it.
 */
export const AUDIO_FEATURE_RANGES: Readonly<Record<AudioFeatureName, { min: number; max: number; integer?: boolean }>> = {
  danceability: { min: 0, max: 1 }, energy: { min: 0, max: 1 }, valence: { min: 0, max: 1 }, tempo: { min: 0, max: 400 },
  acousticness: { min: 0, max: 1 }, instrumentalness: { min: 0, max: 1 }, speechiness: { min: 0, max: 1 },
  liveness: { min: 0, max: 1 }, loudness: { min: -80, max: 10 }, key: { min: -1, max: 11, integer: true }, mode: { min: 0, max: 1, integer: true },
};

const inRange = (name: AudioFeatureName) => z.number().min(AUDIO_FEATURE_RANGES[name].min).max(AUDIO_FEATURE_RANGES[name].max);

/** Spotify-style audio features (ranges: AUDIO_FEATURE_RANGES). */
export const AudioFeaturesSchema = z.object({
  danceability: inRange('danceability'),
  energy: inRange('energy'),
  valence: inRange('valence'),
  tempo: inRange('tempo'),
  acousticness: inRange('acousticness'),
  instrumentalness: inRange('instrumentalness'),
  speechiness: inRange('speechiness'),
  liveness: inRange('liveness'),
  loudness: inRange('loudness'),
  key: inRange('key').int(),
  mode: z.union([z.literal(0), z.literal(1)]),
});
export type AudioFeatures = z.infer<typeof AudioFeaturesSchema>;

/** ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as found in real catalogs. */
export const ReleaseDateSchema = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'expected YYYY, YYYY-MM or YYYY-MM-DD');

export const ArtistSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  genres: z.array(z.string()).default([]),
});
export type Artist = z.infer<typeof ArtistSchema>;

export const AlbumSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  artistId: z.string().min(1),
  releaseDate: ReleaseDateSchema.optional(),
});
export type Album = z.infer<typeof AlbumSchema>;

export const TrackSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  artistIds: z.array(z.string().min(1)).min(1),
  albumId: z.string().min(1).optional(),
  durationMs: z.number().int().nonnegative(),
  explicit: z.boolean().default(false),
  popularity: z.number().min(0).max(100), // Spotify-style 0..100
  releaseDate: ReleaseDateSchema.optional(),
  genres: z.array(z.string()).default([]),
  subgenres: z.array(z.string()).default([]),
  features: AudioFeaturesSchema.optional(),
});
export type Track = z.infer<typeof TrackSchema>;

export const INTERACTION_TYPES = ['play', 'skip', 'complete', 'save', 'playlist_add'] as const;
export const InteractionTypeSchema = z.enum(INTERACTION_TYPES);
export type InteractionType = z.infer<typeof InteractionTypeSchema>;

export const InteractionSchema = z.object({
  userId: z.string().min(1),
  trackId: z.string().min(1),
  timestamp: z.number().int().nonnegative(), // epoch milliseconds
  type: InteractionTypeSchema,
  msPlayed: z.number().int().nonnegative().default(0),
  /** where it happened: a playlist id, a surface ("home", "search"), a session id */
  context: z.string().optional(),
});
export type Interaction = z.infer<typeof InteractionSchema>;

/** A whole catalog in plain objects: what importers and the generator produce. */
export interface Catalog {
  tracks: Track[];
  artists: Artist[];
  albums: Album[];
}
