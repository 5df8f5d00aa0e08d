// The playlist plan as short readable chips: "genre: pop", "not rap", "1990–1999", "energy 60–90%".

export interface Range {
  min: number;
  max: number;
}

/** The parts of @mixtape/llm's Plan the console shows (the service sends the whole plan). */
export interface PlanView {
  seedArtists?: string[];
  seedTracks?: { title: string; artist: string | null }[];
  genres?: { include: string[]; exclude: string[] };
  subgenres?: { include: string[]; exclude: string[] };
  artists?: { include: string[]; exclude: string[] };
  features?: Partial<Record<'energy' | 'valence' | 'danceability' | 'acousticness' | 'instrumentalness' | 'speechiness' | 'tempo', Range | null>>;
  releaseYear?: Range | null;
  moods?: string[];
  activities?: string[];
  similarToUser?: number;
  discovery?: number;
  trackCount?: number;
  targetMinutes?: number | null;
  arc?: string;
  explicitAllowed?: boolean;
}

export type ChipKind = 'include' | 'exclude' | 'range' | 'label' | 'setting';

export interface Chip {
  kind: ChipKind;
  text: string;
}

const percent = (value: number) => `${Math.round(value * 100)}%`;

function rangeText(range: Range, format: (value: number) => string): string {
  return range.min === range.max ? format(range.min) : `${format(range.min)}–${format(range.max)}`;
}

export function planChips(plan: PlanView): Chip[] {
  const chips: Chip[] = [];
  const lists: [string, { include: string[]; exclude: string[] } | undefined][] = [
    ['genre', plan.genres],
    ['style', plan.subgenres],
    ['artist', plan.artists],
  ];
  for (const [label, list] of lists) {
    for (const value of list?.include ?? []) chips.push({ kind: 'include', text: `${label}: ${value}` });
    for (const value of list?.exclude ?? []) chips.push({ kind: 'exclude', text: `no ${value}` });
  }
  for (const artist of plan.seedArtists ?? []) chips.push({ kind: 'include', text: `like ${artist}` });
  for (const track of plan.seedTracks ?? []) chips.push({ kind: 'include', text: `like “${track.title}”${track.artist ? ` by ${track.artist}` : ''}` });
  if (plan.releaseYear) chips.push({ kind: 'range', text: rangeText(plan.releaseYear, String) });
  for (const [name, range] of Object.entries(plan.features ?? {})) {
    if (!range) continue;
    const whole = (value: number) => String(Math.round(name === 'tempo' ? value : value * 100));
    chips.push({ kind: 'range', text: name === 'tempo' ? `tempo ${rangeText(range, whole)} bpm` : `${name} ${rangeText(range, whole)}%` });
  }
  for (const mood of plan.moods ?? []) chips.push({ kind: 'label', text: mood });
  for (const activity of plan.activities ?? []) chips.push({ kind: 'label', text: `for ${activity}` });
  if (plan.targetMinutes) chips.push({ kind: 'setting', text: `${plan.targetMinutes} min` });
  else if (plan.trackCount !== undefined) chips.push({ kind: 'setting', text: `${plan.trackCount} tracks` });
  if (plan.arc) chips.push({ kind: 'setting', text: `arc: ${plan.arc}` });
  if (plan.discovery !== undefined) chips.push({ kind: 'setting', text: `discovery ${percent(plan.discovery)}` });
  if (plan.similarToUser !== undefined && plan.similarToUser > 0) chips.push({ kind: 'setting', text: `your taste ${percent(plan.similarToUser)}` });
  if (plan.explicitAllowed === false) chips.push({ kind: 'exclude', text: 'no explicit' });
  return chips;
}
