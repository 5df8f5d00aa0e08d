// Sequencing: order the chosen tracks along an energy arc while keeping the same artist apart and
// transitions smooth (tempo and Camelot-wheel key distance). Greedy, O(n²) for n ≤ 200 tracks.
import type { CatalogStore } from '@mixtape/catalog';
import type { SequencingArc } from '@mixtape/llm';

/**
 * Camelot wheel position of a pitch class (0 = C … 11 = B) and mode (1 major, 0 minor):
 * number 1..12 and letter, e.g. C major = 8B, A minor = 8A. undefined when the key is unknown.
 */
export function camelotCode(pitchClass: number, mode: number): { number: number; letter: 'A' | 'B' } | undefined {
  if (!Number.isInteger(pitchClass) || pitchClass < 0 || pitchClass > 11 || (mode !== 0 && mode !== 1)) return undefined;
  // Major keys step by fifths (7 semitones) from C = 8B; a minor key sits with its relative major (+3).
  const majorPitch = mode === 1 ? pitchClass : (pitchClass + 3) % 12;
  const number = ((majorPitch * 7) % 12 + 7) % 12 + 1;
  return { number, letter: mode === 1 ? 'B' : 'A' };
}

/** Steps on the Camelot wheel: 0 same key, 1 adjacent or relative (a smooth mix), up to 7. */
export function camelotDistance(a: ReturnType<typeof camelotCode>, b: ReturnType<typeof camelotCode>): number | undefined {
  if (!a || !b) return undefined;
  const around = Math.abs(a.number - b.number);
  return Math.min(around, 12 - around) + (a.letter === b.letter ? 0 : 1);
}

export function formatCamelot(code: ReturnType<typeof camelotCode>): string | undefined {
  return code ? `${code.number}${code.letter}` : undefined;
}

/** Target energy quantile (0 = calmest chosen track, 1 = most energetic) at position p ∈ [0, 1]. */
export function arcTarget(arc: SequencingArc, p: number): number | undefined {
  switch (arc) {
    case 'steady':
      return undefined;
    case 'rise':
      return p;
    case 'fall':
      return 1 - p;
    case 'rise-fall':
      return p <= 0.6 ? p / 0.6 : (1 - p) / 0.4;
    case 'wind-down':
      return p <= 0.35 ? 0.7 + 0.3 * (p / 0.35) : Math.max(0, 1 - (p - 0.35) / 0.65);
  }
}

export interface SequenceOptions {
  arc: SequencingArc;
  /** minimum number of other tracks between two tracks of the same artist (default: as many as the mix allows, at most 3) */
  artistSpacing?: number;
}

export interface SequenceResult {
  /** the input tracks, reordered */
  order: Int32Array;
  artistSpacing: number;
  /** adjacent pairs whose primary artists repeat within the spacing */
  spacingViolations: number;
  /** mean Camelot steps between neighbours with known keys */
  meanKeyDistance: number;
  /** mean |Δ tempo| between neighbours (BPM) */
  meanTempoChange: number;
}

/**
 * Orders tracks: at each position take the remaining track that best fits the arc's target
 * energy, the previous track's tempo and key, and the artist-spacing rule (a repeat within the
 * spacing is taken only when nothing else remains).
 */
export function sequenceTracks(store: CatalogStore, tracks: Int32Array, options: SequenceOptions): SequenceResult {
  const n = tracks.length;
  const energyColumn = store.featureColumn('energy');
  const tempoColumn = store.featureColumn('tempo');
  const keyColumn = store.featureColumn('key');
  const modeColumn = store.featureColumn('mode');
  const energy = new Float32Array(n);
  const tempo = new Float32Array(n);
  const artist = new Int32Array(n);
  const codes: ReturnType<typeof camelotCode>[] = [];
  for (let i = 0; i < n; i++) {
    const track = tracks[i]!;
    const value = energyColumn[track]!;
    energy[i] = Number.isNaN(value) ? 0.5 : value;
    tempo[i] = tempoColumn[track]!;
    artist[i] = store.trackPrimaryArtist[track]!;
    codes.push(camelotCode(Math.round(keyColumn[track]!), Math.round(modeColumn[track]!)));
  }
  // energy rank among the chosen tracks, so the arc spans the playlist's own range
  const byEnergy = Array.from({ length: n }, (_unused, i) => i).sort((a, b) => energy[a]! - energy[b]!);
  const energyRank = new Float32Array(n);
  byEnergy.forEach((i, rank) => (energyRank[i] = n > 1 ? rank / (n - 1) : 0.5));

  const perArtist = new Map<number, number>();
  for (let i = 0; i < n; i++) perArtist.set(artist[i]!, (perArtist.get(artist[i]!) ?? 0) + 1);
  const most = Math.max(1, ...perArtist.values());
  const feasible = most > 1 ? Math.floor((n - most) / (most - 1)) : 3;
  const spacing = Math.max(0, Math.min(options.artistSpacing ?? 3, feasible));

  const steady = arcTarget(options.arc, 0.5) === undefined;
  const arcCost = (position: number, i: number): number => {
    const target = arcTarget(options.arc, n > 1 ? position / (n - 1) : 0);
    if (target !== undefined) return 4 * Math.abs(energyRank[i]! - target);
    return position === 0 ? Math.abs(energyRank[i]! - 0.5) : 0;
  };
  const transitionCost = (a: number, b: number): number => {
    let cost = 0;
    const tempoA = tempo[a]!;
    const tempoB = tempo[b]!;
    if (!Number.isNaN(tempoA) && !Number.isNaN(tempoB)) cost += Math.min(2, Math.abs(tempoA - tempoB) / 20);
    const steps = camelotDistance(codes[a], codes[b]);
    cost += steps === undefined ? 0.25 : steps <= 1 ? 0 : Math.min(1.5, (steps - 1) * 0.3);
    if (steady) cost += Math.abs(energy[a]! - energy[b]!) * 2;
    return cost;
  };

  const remaining = new Map(perArtist);
  const used = new Uint8Array(n);
  const order = new Int32Array(n);
  const lastPosition = new Map<number, number>();
  for (let position = 0; position < n; position++) {
    const previous = position > 0 ? order[position - 1]! : -1;
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      let cost = arcCost(position, i);
      if (previous >= 0) cost += transitionCost(previous, i);
      const last = lastPosition.get(artist[i]!);
      if (last !== undefined && position - last <= spacing) cost += 1000;
      // Look ahead: an artist with k tracks left needs (k − 1)·(spacing + 1) + 1 positions; when
      // the rest of the list is that short, place it now or a repeat becomes unavoidable later.
      else {
        const left = remaining.get(artist[i]!)!;
        if (left > 1 && n - position <= (left - 1) * (spacing + 1) + 1) cost -= 100;
      }
      // stable tie-break: input order (the ranked order)
      cost += i * 1e-6;
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    used[best] = 1;
    remaining.set(artist[best]!, remaining.get(artist[best]!)! - 1);
    order[position] = best;
    lastPosition.set(artist[best]!, position);
  }

  // Greedy leaves its worst choices for the end (whatever remains). Pairwise swaps that lower the
  // arc + transition cost without breaking artist spacing repair that; bounded to short lists.
  if (n <= 120) {
    const edgeCost = (edge: number): number => (edge > 0 && edge < n ? transitionCost(order[edge - 1]!, order[edge]!) : 0);
    /** arc terms of x and y plus the transitions into and out of both (x < y) */
    const localCost = (x: number, y: number): number =>
      arcCost(x, order[x]!) + arcCost(y, order[y]!) + edgeCost(x) + edgeCost(x + 1) + (y === x + 1 ? 0 : edgeCost(y)) + edgeCost(y + 1);
    /**
     * Same-artist tracks within the spacing window of a position, the closer the heavier: a swap
     * may keep a repeat the greedy pass could not avoid, never pull it closer (adjacent).
     */
    const repeatsAt = (position: number): number => {
      const who = artist[order[position]!]!;
      let repeats = 0;
      for (let other = Math.max(0, position - spacing); other <= Math.min(n - 1, position + spacing); other++) {
        if (other !== position && artist[order[other]!] === who) repeats += spacing + 1 - Math.abs(other - position);
      }
      return repeats;
    };
    for (let pass = 0; pass < 4; pass++) {
      let improved = false;
      for (let x = 0; x < n - 1; x++) {
        for (let y = x + 1; y < n; y++) {
          const before = localCost(x, y);
          const repeatsBefore = repeatsAt(x) + repeatsAt(y);
          [order[x], order[y]] = [order[y]!, order[x]!];
          if (localCost(x, y) < before - 1e-9 && repeatsAt(x) + repeatsAt(y) <= repeatsBefore) {
            improved = true;
          } else {
            [order[x], order[y]] = [order[y]!, order[x]!];
          }
        }
      }
      if (!improved) break;
    }
  }
  let spacingViolations = 0;
  const seenAt = new Map<number, number>();
  for (let position = 0; position < n; position++) {
    const last = seenAt.get(artist[order[position]!]!);
    if (last !== undefined && position - last <= spacing) spacingViolations++;
    seenAt.set(artist[order[position]!]!, position);
  }

  let keySteps = 0;
  let keyPairs = 0;
  let tempoChange = 0;
  let tempoPairs = 0;
  for (let position = 1; position < n; position++) {
    const a = order[position - 1]!;
    const b = order[position]!;
    const steps = camelotDistance(codes[a], codes[b]);
    if (steps !== undefined) {
      keySteps += steps;
      keyPairs++;
    }
    if (!Number.isNaN(tempo[a]!) && !Number.isNaN(tempo[b]!)) {
      tempoChange += Math.abs(tempo[a]! - tempo[b]!);
      tempoPairs++;
    }
  }
  return {
    order: Int32Array.from(order, (i) => tracks[i]!),
    artistSpacing: spacing,
    spacingViolations,
    meanKeyDistance: keyPairs > 0 ? keySteps / keyPairs : 0,
    meanTempoChange: tempoPairs > 0 ? tempoChange / tempoPairs : 0,
  };
}

/** Smallest number of other tracks between two tracks of the same primary artist (Infinity if none repeat). */
export function minimumArtistGap(store: CatalogStore, tracks: ArrayLike<number>): number {
  const last = new Map<number, number>();
  let gap = Number.POSITIVE_INFINITY;
  for (let position = 0; position < tracks.length; position++) {
    const artist = store.trackPrimaryArtist[tracks[position]!]!;
    const previous = last.get(artist);
    if (previous !== undefined) gap = Math.min(gap, position - previous - 1);
    last.set(artist, position);
  }
  return gap;
}
