// Public API of @mixtape/catalog: explicit named re-exports only.
export { AUDIO_FEATURES, ArtistSchema, AlbumSchema, TrackSchema, INTERACTION_TYPES, InteractionSchema } from './model';
export type { AudioFeatureName, AudioFeatures, Artist, Album, Track, InteractionType, Interaction, Catalog } from './model';

export { CatalogBuilder, CatalogIntegrityError } from './catalog-columns';
export type { CatalogColumns, CatalogBuilderOptions } from './catalog-columns';
export { CatalogStore } from './catalog-store';
export { INTERACTION_TYPE_CODE, InteractionLog, InteractionLogBuilder, UserHistory } from './interactions';
export type { InteractionColumns, InteractionRow, UserItemMatrix } from './interactions';
export { parseReleaseDate, formatReleaseDate, toDayNumber, UNKNOWN_DAY } from './dates';
export { SnapshotError, writeSnapshot, readSnapshot, readSnapshotMetadata } from './snapshot';
export type { Snapshot, SnapshotMetadata, SnapshotExtras, SnapshotIoOptions, WriteSnapshotInput, WriteSnapshotOptions } from './snapshot';
export {
  generateSynthetic,
  SYNTHETIC_DEFAULTS,
  SEQUENCE_MODEL,
  SEQUENCE_TRANSITIONS,
  tasteToExtras,
  tasteFromExtras,
  sequenceToExtras,
  sequenceFromExtras,
  tasteAffinity,
  skipProbabilityOf,
  mightSave,
  COMPLETE_PROBABILITY,
  SAVE_PROBABILITY,
} from './synthetic/generate';
export type { SyntheticOptions, SyntheticDataset, GroundTruthTaste, GroundTruthSequence } from './synthetic/generate';
export { GENRES as SYNTHETIC_GENRES } from './synthetic/taxonomy';
export type { GenreProfile } from './synthetic/taxonomy';
export { IMPORT_FORMATS, importDataset, importToSnapshot, isImportFormat } from './importers/index';
export type { ImportFormat } from './importers/index';
export { ImportError } from './importers/rejects';
export type { Reject } from './importers/rejects';
export type { ImportOptions, ImportResult } from './importers/import-options';
export { importTidyTuesday, importSpotify2024 } from './importers/spotify-csv';
export { importLastfmHetrec } from './importers/lastfm';
export { importLastfmScrobbles, parseScrobbleTime } from './importers/lastfm-scrobbles';
export { importSasrec } from './importers/sasrec';
export { importMpd } from './importers/mpd';
export { importEvents } from './importers/events';
export { popularityCountedFromInteractions } from './importers/popularity';
export { exportMpdSlices } from './exporters/mpd';
export type { MpdExportOptions } from './exporters/mpd';
export { loadGenreEnrichment } from './importers/genre-enrichment';
export type { GenreEnrichment } from './importers/genre-enrichment';
