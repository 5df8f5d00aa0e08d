// The Home engine: profile → candidates → features → learned ranker → shelves (re-ranked,
// deduped, explained) → shelf order by Thompson sampling. Measures each stage per request.
import { Random } from '@mixtape/base';
import { INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import type { InteractionType } from '@mixtape/catalog';
import { createMemoryRecentEventStore, createMemoryShelfStateStore, sampleShelfScores } from './bandit';
import type { RecentEventStore, ShelfStateStore } from './bandit';
import { DEFAULT_SEQUENCE_K, acquireCandidates, generateHomeCandidates, releaseCandidates, sequenceHistory, topCatalogGenres } from './candidates';
import type { HomeCandidateOptions, CandidateSet, SequenceAnswer, SequenceNext } from './candidates';
import { acquireFeatureBuffer, computeFeatures, releaseFeatureBuffer, rowsByScore } from './features';
import { EARLIEST_CLOCK_TIME, MS_PER_DAY, createHomeIndex } from './home-index';
import type { HomeIndex } from './home-index';
import { buildUserProfile, forEachGenre } from './profile';
import type { UserProfile } from './profile';
import { compileRanker, heuristicRankerModel, rankerReadsSequence } from './ranker';
import type { CompiledRanker, HomeObjective, HomeRankerModel } from './ranker';
import { selectDiverse } from './rerank';
import { SHELF_TYPES, SOURCE_COUNT, SOURCE_INDEX, daypartOfHour } from './types';
import type { Daypart, HomeData, HomeSource, ShelfType, UserEvent } from './types';

/** Stable codes of HomeRequestError; a service decides the HTTP status of each (ADR 0002). */
export type HomeRequestErrorCode = 'UNKNOWN_SEED_GENRE' | 'UNKNOWN_SEED_ARTIST' | 'UNKNOWN_TRACK' | 'UNKNOWN_SHELF';

/** A request the caller got wrong (unknown seed, track, shelf): `code` says which, `details.field` names the input. */
export class HomeRequestError extends Error {
  readonly details: Record<string, unknown> & { field: string };
  constructor(
    message: string,
    readonly code: HomeRequestErrorCode,
    readonly field: string,
    details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HomeRequestError';
    this.details = { field, ...details };
  }
}

export interface HomePageRequest {
  userId: string;
  /** items per shelf (default 10) */
  limit?: number;
  /** only these shelf types */
  shelves?: readonly ShelfType[];
  daypart?: Daypart;
  /** the listener's offset from UTC in minutes (east positive; default 0): the daypart of now and of their past plays */
  utcOffsetMinutes?: number;
  /** onboarding: genre names / artist ids or names */
  seedGenres?: readonly string[];
  seedArtists?: readonly string[];
  /** false drops explicit tracks (default true) */
  explicit?: boolean;
  /** reference time (default: wall clock for the daypart, the bundle's latest event for recency) */
  now?: number;
  /** seeded stream for the bandit draws (default: the engine's own, seeded from crypto) */
  random?: Random;
}

export interface HomeItem {
  trackId: string;
  title: string;
  artists: string[];
  reason: string;
}
export interface HomeShelf {
  id: string;
  type: ShelfType;
  title: string;
  items: HomeItem[];
}
/** Milliseconds per stage of one page. */
export interface HomeStageCosts {
  candidates: number;
  features: number;
  ranking: number;
  assembly: number;
}
/**
 * The same page's stages, finer (milliseconds of the engine's `stageClock`): reading the live
 * events, the profile (k-means when not stored), the candidates (next-track call, FAISS, lists),
 * the list feature columns, the blend's shortlist, the content columns of the shortlist, the
 * trees, and assembly (shelves, re-rank, reasons). `costs` is their sums: candidates = events +
 * profile + candidates, features = list + content features, ranking = select + trees.
 */
export interface HomeStageDetail {
  events: number;
  profile: number;
  candidates: number;
  listFeatures: number;
  select: number;
  contentFeatures: number;
  trees: number;
  assembly: number;
}
/** Milliseconds of scoreHomeCandidates' parts (added to, so a caller can sum over pages). */
export type HomeScoreStages = Pick<HomeStageDetail, 'listFeatures' | 'select' | 'contentFeatures' | 'trees'>;
export interface HomePage {
  userId: string;
  coldStart: boolean;
  daypart: Daypart;
  shelves: HomeShelf[];
  candidateCount: number;
  costs: HomeStageCosts;
  stages: HomeStageDetail;
}

/**
 * A page before the shelf bandit orders it: the shelves in fill order (steered first, then the
 * plans' fixed order), which depends only on the listener's state and the request — never on the
 * bandit's draws — so a server may keep it and order it per request (`shelfOrder`).
 */
export interface HomePageContent extends HomePage {
  /** false when an input was degraded (the next-track model failed the call): not to be kept */
  complete: boolean;
}

export interface HomeEventInput {
  userId: string;
  trackId: string;
  type: InteractionType;
  /** epoch ms (default now) */
  timestamp?: number;
  msPlayed?: number;
  /** the shelf id or type the track was played from (feeds the bandit) */
  shelf?: string;
}

export interface HomeEngineOptions {
  /** trained model (models/ranker.json); without one the heuristic serves and `ranker.fallback` says so */
  model?: HomeRankerModel;
  /** served weight per objective head (config); the model's defaults otherwise */
  objectiveWeights?: Partial<Record<HomeObjective, number>>;
  /** candidates per page the trees score: the best by the ranker's linear blend (default 150) */
  treeRows?: number;
  shelfState?: ShelfStateStore;
  recentEvents?: RecentEventStore;
  candidates?: HomeCandidateOptions;
  /**
   * The bundle's next-track model (e.g. its NextTrackRecommender): asked for each page's listener
   * with their recent plays when the ranker reads the sequence columns (it was trained with the
   * sequence source), so a served page has the candidates the ranker learned from. Otherwise unused.
   */
  sequence?: SequenceNext;
  /** tracks asked of it per page (default: the ranker's training.sequenceK, else DEFAULT_SEQUENCE_K) */
  sequenceK?: number;
  /**
   * Told when the next-track model fails or refuses a page's call (e.g. its queue is full): the page
   * is served without the sequence source (its columns 0). Called on the first failure only, with
   * the error; `sequenceFailures()` counts them all.
   */
  onSequenceError?: (error: unknown) => void;
  /** shelves with fewer items are dropped (default 3) */
  minShelfItems?: number;
  now?: () => number;
  /**
   * The clock of a page's stage times, in milliseconds (default performance.now: wall clock, what
   * Server-Timing reports). bench:cpu passes the process's CPU time to get CPU per stage.
   */
  stageClock?: () => number;
}

export interface HomeEngine {
  index: HomeIndex;
  model: HomeRankerModel;
  ranker: CompiledRanker;
  /** content (`pageContent`) in the bandit's order (`shelfOrder`): what a listener is shown */
  page(request: HomePageRequest): Promise<HomePage>;
  /** the page's shelves in fill order; `live`: the listener's live events when already read (`liveEvents`) */
  pageContent(request: HomePageRequest, live?: readonly UserEvent[]): Promise<HomePageContent>;
  /** positions of `types` (a page's shelves) in display order: one Thompson draw per type from the listener's shelf feedback */
  shelfOrder(userId: string, types: readonly ShelfType[], random?: Random): Promise<number[]>;
  /** the live events posted for the listener since the bundle was built (what a page reads) */
  liveEvents(userId: string): Promise<readonly UserEvent[]>;
  /** validates every event first (nothing is applied when one is bad), then applies them */
  recordEvents(events: readonly HomeEventInput[]): Promise<{ accepted: number; users: number; shelfFeedback: number }>;
  /** the shelves (ids or types) a page showed: one impression per shelf type for the bandit; returns the types counted */
  recordImpressions(userId: string, shelves: readonly string[]): Promise<ShelfType[]>;
  /** pages served without the sequence source because the next-track model failed or refused the call */
  sequenceFailures(): number;
}

interface ShelfPlan {
  id: string;
  type: ShelfType;
  title: string;
  rows: number[];
  /** heard tracks stay (mixes, jump back in) or go */
  allowHeard: boolean;
  lambda: number;
  artistCap: number;
  reason: (row: number) => string;
  /** asked for by the listener's seeds: claims its tracks before the other shelves, so the bandit's random order cannot starve it */
  steered?: boolean;
}

export function createHomeEngine(data: HomeData | HomeIndex, options: HomeEngineOptions = {}): HomeEngine {
  const index = 'artistVectors' in data ? data : createHomeIndex(data);
  const model = options.model ?? heuristicRankerModel('no trained ranker was given to the engine');
  const ranker = compileRanker(model, options.objectiveWeights, { treeRows: options.treeRows });
  const shelfState = options.shelfState ?? createMemoryShelfStateStore();
  const recentEvents = options.recentEvents ?? createMemoryRecentEventStore();
  const clock = options.now ?? Date.now;
  const stageClock = options.stageClock ?? (() => performance.now());
  // page-to-page variety in shelf order: a stream seeded once per engine
  const engineRandom = new Random(crypto.getRandomValues(new Uint32Array(1))[0]!);
  const minShelfItems = options.minShelfItems ?? 3;
  const { store } = index;
  let artistByName: Map<string, number> | undefined;

  function resolveArtist(value: string): number {
    const byId = store.artistIndex(value);
    if (byId >= 0) return byId;
    if (!artistByName) {
      artistByName = new Map();
      for (let a = 0; a < store.artistCount; a++) artistByName.set(store.artistName(a).toLowerCase(), a);
    }
    return artistByName.get(value.toLowerCase()) ?? -1;
  }

  // the next-track model is asked only when the ranker was trained with its columns
  const askSequence = options.sequence && rankerReadsSequence(model) ? options.sequence : undefined;
  const trainedK = model.training?.sequenceK;
  const sequenceK = options.sequenceK ?? (typeof trainedK === 'number' ? trainedK : DEFAULT_SEQUENCE_K);
  let sequenceFailures = 0;

  /** the model's answer, or undefined when it fails: a page never fails for the sequence source alone */
  async function sequenceAnswer(profile: UserProfile): Promise<{ answer?: SequenceAnswer; failed: boolean }> {
    if (!askSequence || profile.recent.length === 0) return { failed: false };
    try {
      return { answer: await askSequence(sequenceHistory(profile), sequenceK), failed: false };
    } catch (error) {
      sequenceFailures++;
      if (sequenceFailures === 1) options.onSequenceError?.(error);
      return { failed: true };
    }
  }

  async function page(request: HomePageRequest): Promise<HomePage> {
    const content = await pageContent(request);
    const order = await shelfOrder(request.userId, content.shelves.map((shelf) => shelf.type), request.random);
    return { userId: content.userId, coldStart: content.coldStart, daypart: content.daypart, shelves: order.map((position) => content.shelves[position]!), candidateCount: content.candidateCount, costs: content.costs, stages: content.stages };
  }

  async function shelfOrder(userId: string, types: readonly ShelfType[], random?: Random): Promise<number[]> {
    const draws = sampleShelfScores(types, await shelfState.get(userId), random ?? engineRandom);
    // stable: shelves of one type keep their order (strongest seed first)
    return types.map((_, position) => position).sort((a, b) => draws.get(types[b]!)! - draws.get(types[a]!)! || a - b);
  }

  async function pageContent(request: HomePageRequest, liveEvents?: readonly UserEvent[]): Promise<HomePageContent> {
    const limit = request.limit ?? 10;
    const seedGenres = (request.seedGenres ?? []).map((name) => {
      const genre = store.genreIndex(name.toLowerCase()) >= 0 ? store.genreIndex(name.toLowerCase()) : store.genreIndex(name);
      if (genre < 0) throw new HomeRequestError(`Unknown genre "${name}" in seedGenres (${expectedGenres(index)})`, 'UNKNOWN_SEED_GENRE', 'seedGenres', { genre: name });
      return genre;
    });
    const seedArtists = (request.seedArtists ?? []).map((value) => {
      const artist = resolveArtist(value);
      if (artist < 0) throw new HomeRequestError(`Unknown artist "${value}" in seedArtists (expected an artist id or name)`, 'UNKNOWN_SEED_ARTIST', 'seedArtists', { artist: value });
      return artist;
    });
    const wallClock = request.now ?? clock();
    const started = stageClock();
    const live = liveEvents ?? (await recentEvents.get(request.userId));
    const afterEvents = stageClock();
    // Recency is measured against the bundle's own time (or the live events, when newer).
    const now = Math.max(index.referenceTime, live.length > 0 ? live[live.length - 1]!.timestamp : 0);
    // the listener's local hour, not the server's UTC one ("Your evening favourites" at their evening)
    const utcOffsetMinutes = request.utcOffsetMinutes ?? 0;
    const daypart = request.daypart ?? daypartOfHour(new Date(wallClock + utcOffsetMinutes * 60_000).getUTCHours());
    const profile = buildUserProfile(index, request.userId, { liveEvents: live, now, daypart, seedArtists, seedGenres, ...(utcOffsetMinutes !== 0 ? { utcOffsetMinutes } : {}) });
    const afterProfile = stageClock();
    const candidates = acquireCandidates(index);
    try {
      const { answer: sequence, failed } = await sequenceAnswer(profile);
      await generateHomeCandidates(index, profile, sequence ? { ...options.candidates, sequence } : options.candidates, candidates);
      const afterCandidates = stageClock();
      const features = acquireFeatureBuffer(index, candidates.size);
      const stages: HomeScoreStages = { listFeatures: 0, select: 0, contentFeatures: 0, trees: 0 };
      const scores = scoreHomeCandidates(index, profile, candidates, ranker, features, new Float32Array(candidates.size), stages, stageClock);
      releaseFeatureBuffer(index, features);
      const afterScoring = stageClock();
      const page = assemble(request, profile, daypart, candidates, scores, limit);
      const assembly = stageClock() - afterScoring;
      const detail: HomeStageDetail = { events: afterEvents - started, profile: afterProfile - afterEvents, candidates: afterCandidates - afterProfile, ...stages, assembly };
      const costs: HomeStageCosts = {
        candidates: afterCandidates - started,
        features: stages.listFeatures + stages.contentFeatures,
        ranking: stages.select + stages.trees,
        assembly,
      };
      return { ...page, costs, stages: detail, complete: !failed };
    } finally {
      releaseCandidates(index, candidates);
    }
  }

  function assemble(
    request: HomePageRequest,
    profile: UserProfile,
    daypart: Daypart,
    candidates: CandidateSet,
    scores: Float32Array,
    limit: number,
  ): Omit<HomePage, 'costs' | 'stages'> {
    const coldStart = !profile.hasHistory;
    const plans = coldStart ? coldStartPlans(index, profile, candidates) : personalPlans(index, profile, candidates);
    const wanted = request.shelves ? new Set(request.shelves) : undefined;
    const eligible = plans.filter((plan) => !wanted || wanted.has(plan.type));

    // Shelves claim tracks in a fixed order — steered shelves first, then the plans' own order
    // (mixes, because-you-played, new releases, …) — not in the bandit's order: a shelf's content
    // then depends only on the listener and the request, so it stays put across reloads and a
    // finished page can be kept and re-ordered per request (ADR 0013).
    const used = new Set<number>();
    const heard = heardBy(profile);
    const filled: Array<{ shelf: HomeShelf; rank: number }> = [];
    const fillOrder = eligible.map((plan, rank) => ({ plan, rank })).sort((a, b) => Number(b.plan.steered ?? false) - Number(a.plan.steered ?? false) || a.rank - b.rank);
    for (const { plan, rank } of fillOrder) {
      const rows = rowsByScore(plan.rows, scores);
      const tracks = new Int32Array(rows.length);
      const relevance = new Float32Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        tracks[i] = candidates.tracks[rows[i]!]!;
        relevance[i] = scores[rows[i]!]!;
      }
      const picked = selectDiverse(index, tracks, relevance, {
        limit,
        lambda: plan.lambda,
        artistCap: plan.artistCap,
        used,
        excludeExplicit: request.explicit === false,
        accept: plan.allowHeard ? undefined : (track) => !heard(track),
      });
      if (picked.length < Math.min(minShelfItems, limit)) {
        for (const track of picked) used.delete(track);
        continue;
      }
      filled.push({
        rank,
        shelf: {
          id: plan.id,
          type: plan.type,
          title: plan.title,
          items: Array.from(picked, (track) => ({
            trackId: store.trackId(track),
            title: store.trackTitle(track),
            artists: Array.from(store.artistsOfTrack(track), (artist) => store.artistName(artist)),
            reason: plan.reason(candidates.row(track)!),
          })),
        },
      });
    }
    // in the plans' order (the bandit orders them per request: shelfOrder)
    const shelves = filled.sort((a, b) => a.rank - b.rank).map((entry) => entry.shelf);
    return { userId: request.userId, coldStart, daypart, shelves, candidateCount: candidates.size };
  }

  async function recordEvents(events: readonly HomeEventInput[]) {
    const resolved = events.map((event, position) => {
      const track = store.trackIndex(event.trackId);
      const shelfType = event.shelf === undefined ? undefined : shelfTypeOf(event.shelf);
      return { event, position, track, shelfType };
    });
    const unknown = resolved.filter((entry) => entry.track < 0);
    if (unknown.length > 0) {
      throw new HomeRequestError(
        `Unknown track${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map((entry) => `"${entry.event.trackId}" (events[${entry.position}].trackId)`).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}; no event was recorded`,
        'UNKNOWN_TRACK',
        'trackId',
        { unknownTrackIds: unknown.map((entry) => entry.event.trackId) },
      );
    }
    const badShelf = resolved.find((entry) => entry.event.shelf !== undefined && entry.shelfType === undefined);
    if (badShelf) {
      throw new HomeRequestError(`events[${badShelf.position}].shelf "${badShelf.event.shelf}" is not a shelf id or type (types: ${SHELF_TYPES.join(', ')}); no event was recorded`, 'UNKNOWN_SHELF', 'shelf');
    }
    const byUser = new Map<string, UserEvent[]>();
    let shelfFeedback = 0;
    const now = clock();
    for (const { event, track, shelfType } of resolved) {
      const userEvent: UserEvent = { track, timestamp: event.timestamp ?? now, type: INTERACTION_TYPE_CODE[event.type], msPlayed: event.msPlayed ?? 0 };
      const list = byUser.get(event.userId) ?? [];
      list.push(userEvent);
      byUser.set(event.userId, list);
      if (shelfType) {
        const outcome = feedbackOf(userEvent, store.columns.trackDurationMs[track]!);
        if (outcome) {
          await shelfState.record(event.userId, shelfType, outcome);
          shelfFeedback++;
        }
      }
    }
    for (const [userId, list] of byUser) await recentEvents.append(userId, list);
    return { accepted: events.length, users: byUser.size, shelfFeedback };
  }

  async function recordImpressions(userId: string, shelves: readonly string[]): Promise<ShelfType[]> {
    const types = [...new Set(shelves.map(shelfTypeOf).filter((type): type is ShelfType => type !== undefined))];
    await Promise.all(types.map((type) => shelfState.record(userId, type, { successes: 0, failures: 0, impressions: 1 })));
    return types;
  }

  return { index, model, ranker, page, pageContent, shelfOrder, liveEvents: (userId) => recentEvents.get(userId), recordEvents, recordImpressions, sequenceFailures: () => sequenceFailures };
}

/**
 * Features and scores of one listener's candidates, as a page computes them: the list columns
 * for every row, the ranker's blend picks the rows the trees score, the content columns for
 * those rows only, then the trees. `stages` (when given) gets the milliseconds of each part, by `clock`.
 */
export function scoreHomeCandidates(
  index: HomeIndex,
  profile: UserProfile,
  candidates: CandidateSet,
  ranker: CompiledRanker,
  features: Float32Array,
  out: Float32Array,
  stages?: HomeScoreStages,
  clock: () => number = () => performance.now(),
): Float32Array {
  const n = candidates.size;
  const t0 = stages ? clock() : 0;
  computeFeatures(index, profile, candidates, features, { columns: 'lists' });
  const t1 = stages ? clock() : 0;
  const rows = ranker.selectTreeRows(features, n, out);
  const t2 = stages ? clock() : 0;
  computeFeatures(index, profile, candidates, features, { columns: 'tail', rows });
  const t3 = stages ? clock() : 0;
  ranker.finishPage(features, n, out, rows);
  if (stages) {
    stages.listFeatures += t1 - t0;
    stages.select += t2 - t1;
    stages.contentFeatures += t3 - t2;
    stages.trees += clock() - t3;
  }
  return out;
}

/** longest first, so "popular-in-genre-rock" is not read as "popular" (sorted once: every served page asks) */
const SHELF_TYPES_LONGEST_FIRST = [...SHELF_TYPES].sort((a, b) => b.length - a.length);

/** "made-for-you-2" → made-for-you; a bare type is accepted too. */
export function shelfTypeOf(shelf: string): ShelfType | undefined {
  return SHELF_TYPES_LONGEST_FIRST.find((type) => shelf === type || shelf.startsWith(`${type}-`) || shelf.startsWith(`${type}:`));
}

/** Completion, save, playlist add or 30 s+ of play count as a success; a skip as a failure. */
function feedbackOf(event: UserEvent, durationMs: number): { successes: number; failures: number } | undefined {
  const { type, msPlayed } = event;
  if (type === INTERACTION_TYPE_CODE.skip) return { successes: 0, failures: 1 };
  if (type === INTERACTION_TYPE_CODE.complete || type === INTERACTION_TYPE_CODE.save || type === INTERACTION_TYPE_CODE.playlist_add) return { successes: 1, failures: 0 };
  if (type === INTERACTION_TYPE_CODE.play) return msPlayed >= Math.min(30_000, durationMs * 0.5) ? { successes: 1, failures: 0 } : { successes: 0, failures: 1 };
  return undefined;
}

/** Sources whose provenance is a seed track ("Because you played …"). */
const BECAUSE_SOURCES: readonly HomeSource[] = ['itemVectors', 'coListening', 'ease', 'rp3beta', 'sequence'];

function rowsFrom(candidates: CandidateSet, source: HomeSource, provenance?: number): number[] {
  const slot = SOURCE_INDEX[source];
  const bit = 1 << slot;
  const { sourceMask } = candidates;
  const rows: number[] = [];
  for (let row = 0; row < candidates.size; row++) {
    if ((sourceMask[row]! & bit) === 0) continue;
    if (provenance !== undefined && candidates.provenance[row * SOURCE_COUNT + slot] !== provenance) continue;
    rows.push(row);
  }
  return rows;
}

/** The track's genre the listener plays most; -1 when they play none of its genres (a reason must not name a genre they never played). */
function bestGenre(index: HomeIndex, profile: UserProfile, track: number): number {
  let best = -1;
  let bestShare = 0;
  forEachGenre(index, track, (genre) => {
    const share = profile.genreShare.get(genre) ?? 0;
    if (share > bestShare) [best, bestShare] = [genre, share];
  });
  return best;
}

/** What a seed genre may be: this catalog's most played genres, or that it has none (a bare events log, SASRec ids). */
function expectedGenres(index: HomeIndex): string {
  const genres = topCatalogGenres(index, 5);
  if (genres.length === 0) return 'this catalog has no genres';
  return `expected a genre of this catalog, e.g. ${genres.map((genre) => index.store.genreName(genre)).join(', ')}`;
}

/**
 * Whether the listener already has a track: played, completed, saved or added to a playlist
 * (positive weight). Playlist data (MPD, TidyTuesday) has only adds: counting plays alone called
 * a playlist's own tracks "New to you" and let them into Discover.
 */
function heardBy(profile: UserProfile): (track: number) => boolean {
  let owned: Set<number> | undefined;
  return (track) => (owned ??= new Set(profile.topTracks)).has(track);
}

/** Whether a track is tagged with a genre, as a genre or a subgenre (views of the store's columns, no copy; called per shown item). */
function trackHasGenre(store: HomeIndex['store'], track: number, genre: number): boolean {
  const { genres, subgenres } = store.genresOfTrack(track);
  return genres.includes(genre) || subgenres.includes(genre);
}

/** Plays of an artist's tracks from which a reason says "an artist you play a lot". */
const ARTIST_PLAYS_A_LOT = 3;

/** Longest catalog name a shelf title or reason quotes, in code points: a 2,100-character title made a 2,100-character shelf title. */
const MAX_QUOTED_NAME = 60;

/** A catalog name as a shelf title or reason quotes it: whole up to MAX_QUOTED_NAME code points, else cut at a word (or the limit) with "…". */
function quotedName(name: string): string {
  if (name.length <= MAX_QUOTED_NAME) return name;
  const points = Array.from(name.trim());
  if (points.length <= MAX_QUOTED_NAME) return name.trim();
  const cut = points.slice(0, MAX_QUOTED_NAME).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space >= MAX_QUOTED_NAME / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * "You played this N days ago" only for a dated play: a clock time, and not the single time every
 * logged event shares on a log without time spread (an import at one timestamp: "earlier today"
 * would be the import's moment, not the listener's); a live play after it is dated.
 */
function playedReason(index: HomeIndex, now: number, then: number): string {
  const dated = then >= EARLIEST_CLOCK_TIME && (index.timed || then > index.referenceTime);
  return dated ? `You played this ${agoText(now, then)}` : 'From your listening history';
}

function agoText(now: number, then: number): string {
  const days = Math.floor((now - then) / MS_PER_DAY);
  if (days <= 0) return 'earlier today';
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  if (days < 60) return `${Math.round(days / 7)} weeks ago`;
  return `${Math.round(days / 30)} months ago`;
}

function personalPlans(index: HomeIndex, profile: UserProfile, candidates: CandidateSet): ShelfPlan[] {
  const { store } = index;
  const track = (row: number) => candidates.tracks[row]!;
  const heardTrack = heardBy(profile);
  const heard = (row: number) => heardTrack(track(row));
  const plans: ShelfPlan[] = [];

  const titled = new Set<number>();
  profile.clusters.forEach((cluster, c) => {
    // name each mix after its heaviest genre no earlier mix took
    const own = Array.from(cluster.genres).find((g) => !titled.has(g)) ?? -1;
    if (own >= 0) titled.add(own);
    const named = own >= 0 ? own : cluster.genre;
    // a catalog without genres (a bare events log, SASRec ids) has clusters with no genre to name
    const genre = named >= 0 ? store.genreName(named) : undefined;
    plans.push({
      id: `made-for-you-${c + 1}`,
      type: 'made-for-you',
      title: own >= 0 ? `Your ${genre!} Mix` : `Your Mix ${c + 1}`,
      rows: rowsFrom(candidates, 'tasteCluster', c),
      allowHeard: true,
      lambda: 0.7,
      artistCap: 2,
      // a taste cluster holds tracks of other genres too ("Your edm Mix" with a latin track): the reason names the mix's
      // genre only for a track that carries it, else it would call a latin track "a favourite from your edm listening"
      reason: (row) => {
        const ofGenre = genre !== undefined && trackHasGenre(store, track(row), named);
        return heard(row)
          ? ofGenre ? `A favourite from your ${genre} listening` : 'A favourite from your listening'
          : ofGenre ? `New to you, in the ${genre} you play` : 'New to you, close to what you play';
      },
    });
  });

  const seedTracks = [...new Set([profile.recent[0], profile.topTracks[0]].filter((t): t is number => t !== undefined))];
  for (const seed of seedTracks) {
    const title = quotedName(store.trackTitle(seed));
    const rows = [...new Set(BECAUSE_SOURCES.flatMap((source) => rowsFrom(candidates, source, seed)))];
    plans.push({ id: `because-you-played-${store.trackId(seed)}`, type: 'because-you-played', title: `Because you played ${title}`, rows, allowHeard: false, lambda: 0.75, artistCap: 2, reason: () => `Because you played ${title}` });
  }
  const topArtist = profile.topArtists[0];
  if (topArtist !== undefined) {
    const name = quotedName(store.artistName(topArtist));
    // "a lot" only when it is: one play made a listener's top artist "an artist you play a lot"
    // (a track added to a playlist or saved counts once: playlist data has no plays)
    const own = heardBy(profile);
    let artistPlays = 0;
    for (const [played, history] of profile.tracks) if (store.trackPrimaryArtist[played] === topArtist) artistPlays += Math.max(history.plays, own(played) ? 1 : 0);
    const often = artistPlays >= ARTIST_PLAYS_A_LOT ? 'an artist you play a lot' : 'an artist you have played';
    const rows = [...rowsFrom(candidates, 'similarArtist', topArtist), ...rowsFrom(candidates, 'topArtist', topArtist)];
    plans.push({
      id: `because-you-played-${store.artistId(topArtist)}`,
      type: 'because-you-played',
      title: `Because you listen to ${name}`,
      rows,
      allowHeard: false,
      lambda: 0.75,
      artistCap: 2,
      reason: (row) => (store.trackPrimaryArtist[track(row)] === topArtist ? `More from ${name}, ${often}` : `Because you listen to ${name}`),
    });
  }

  plans.push({
    id: 'new-releases',
    type: 'new-releases',
    title: 'New releases for you',
    rows: rowsFrom(candidates, 'newRelease'),
    allowHeard: false,
    lambda: 0.8,
    artistCap: 1,
    reason: (row) => {
      const artist = candidates.provenanceOf(row, 'newRelease');
      if (artist >= 0) return `New from ${quotedName(store.artistName(artist))}, an artist you follow`;
      const genre = bestGenre(index, profile, track(row));
      return genre >= 0 ? `New release in ${store.genreName(genre)}, a genre you play` : 'New release close to your taste';
    },
  });
  plans.push({
    id: 'discover',
    type: 'discover',
    title: 'Discover',
    rows: rowsFrom(candidates, 'deepCatalog'),
    allowHeard: false,
    lambda: 0.7,
    artistCap: 1,
    reason: (row) => {
      const genre = bestGenre(index, profile, track(row));
      return genre >= 0 ? `A lesser-known find close to the ${store.genreName(genre)} you play` : 'A lesser-known find close to your taste';
    },
  });
  plans.push({
    id: 'jump-back-in',
    type: 'jump-back-in',
    title: 'Jump back in',
    rows: rowsFrom(candidates, 'jumpBackIn'),
    allowHeard: true,
    lambda: 0.95,
    artistCap: 3,
    reason: (row) => playedReason(index, profile.now, profile.tracks.get(track(row))?.lastPlayed ?? profile.now),
  });
  for (const genre of profile.topGenres.subarray(0, 2)) {
    const name = store.genreName(genre);
    plans.push({ id: `popular-in-genre-${name}`, type: 'popular-in-genre', title: `Popular in ${name}`, rows: rowsFrom(candidates, 'popularInGenre', genre), allowHeard: false, lambda: 0.85, artistCap: 2, reason: () => `Popular in ${name}` });
  }
  const when = profile.daypart === 'night' ? 'at night' : `in the ${profile.daypart}`;
  plans.push({
    id: `daypart-${profile.daypart}`,
    type: 'daypart',
    title: `Your ${profile.daypart} favourites`,
    rows: rowsFrom(candidates, 'daypart'),
    allowHeard: true,
    lambda: 0.8,
    artistCap: 2,
    reason: () => `You often play this ${when}`,
  });
  return plans;
}

function coldStartPlans(index: HomeIndex, profile: UserProfile, candidates: CandidateSet): ShelfPlan[] {
  const { store } = index;
  const plans: ShelfPlan[] = [];
  for (const artist of profile.seedArtists) {
    const name = quotedName(store.artistName(artist));
    plans.push({
      id: `because-you-like-${store.artistId(artist)}`,
      type: 'because-you-like',
      title: `Because you like ${name}`,
      rows: [...rowsFrom(candidates, 'topArtist', artist), ...rowsFrom(candidates, 'similarArtist', artist)],
      allowHeard: true,
      lambda: 0.75,
      artistCap: 2,
      reason: (row) => (store.trackPrimaryArtist[candidates.tracks[row]!] === artist ? `By ${name}, whom you picked` : `Similar to ${name}, whom you picked`),
      steered: true,
    });
  }
  plans.push({ id: 'popular', type: 'popular', title: 'Popular right now', rows: rowsFrom(candidates, 'popular'), allowHeard: true, lambda: 0.9, artistCap: 2, reason: () => 'Popular with listeners right now' });
  const genres = profile.seedGenres.length > 0 ? Array.from(profile.seedGenres) : topCatalogGenres(index, 2);
  for (const genre of genres) {
    const name = store.genreName(genre);
    const steered = profile.seedGenres.length > 0;
    plans.push({ id: `popular-in-genre-${name}`, type: 'popular-in-genre', title: `Popular in ${name}`, rows: rowsFrom(candidates, 'popularInGenre', genre), allowHeard: true, lambda: 0.85, artistCap: 2, reason: () => `Popular in ${name}`, steered });
  }
  plans.push({ id: 'new-releases', type: 'new-releases', title: 'New releases', rows: rowsFrom(candidates, 'newRelease'), allowHeard: true, lambda: 0.85, artistCap: 1, reason: () => (profile.seedArtists.length + profile.seedGenres.length > 0 ? 'New release close to what you picked' : 'New this month') });
  if (profile.seedArtists.length + profile.seedGenres.length > 0) {
    plans.push({ id: 'discover', type: 'discover', title: 'Discover', rows: rowsFrom(candidates, 'deepCatalog'), allowHeard: true, lambda: 0.7, artistCap: 1, reason: () => 'A lesser-known find close to what you picked' });
  }
  return plans;
}

