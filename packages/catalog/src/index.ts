// Public API of @mixtape/catalog: explicit named re-exports only.
export {
  AUDIO_FEATURES,
  AudioFeaturesSchema,
  ReleaseDateSchema,
  ArtistSchema,
  AlbumSchema,
  TrackSchema,
  INTERACTION_TYPES,
  InteractionTypeSchema,
  InteractionSchema,
} from './model';
export type { AudioFeatureName, AudioFeatures, Artist, Album, Track, InteractionType, Interaction, Catalog } from './model';
