// Plausible generated names for artists, albums and tracks, from small word lists.
import type { Random } from '@mixtape/base';

const FIRST = ['Mara', 'Jonah', 'Ines', 'Theo', 'Lena', 'Caleb', 'Nadia', 'Ravi', 'Sofia', 'Marcus', 'Yuki', 'Elena', 'Omar', 'Priya', 'Lucas', 'Hana', 'Dario', 'Zoe', 'Felix', 'Amara', 'Nico', 'Leila', 'Tomas', 'Iris', 'Kofi', 'June', 'Milo', 'Rosa', 'Sami', 'Vera'];
const LAST = ['Quinn', 'Calloway', 'Reyes', 'Lindqvist', 'Okafor', 'Moreau', 'Hart', 'Nakamura', 'Bellamy', 'Castillo', 'Holloway', 'Sato', 'Whitfield', 'Marsh', 'Delacroix', 'Ferreira', 'Kowalski', 'Abara', 'Voss', 'Sinclair'];
const ADJECTIVES = ['Velvet', 'Golden', 'Electric', 'Silver', 'Midnight', 'Neon', 'Paper', 'Crystal', 'Hollow', 'Wild', 'Quiet', 'Broken', 'Crimson', 'Lunar', 'Static', 'Saint', 'Lonesome', 'Copper', 'Blue', 'Secret', 'Northern', 'Faded', 'Honey', 'Glass', 'Stray'];
const NOUNS = ['Harbor', 'Lanterns', 'Tides', 'Wolves', 'Echoes', 'Satellites', 'Gardens', 'Machines', 'Rivers', 'Ghosts', 'Mirrors', 'Parade', 'Horizon', 'Engines', 'Foxes', 'Signals', 'Pines', 'Comets', 'Saints', 'Arcade', 'Orchard', 'Avenue', 'Season', 'Motel', 'Valley'];
const PREFIXES = ['DJ', 'Lil', 'MC', 'Young', 'Big'];
const SYLLABLES = ['ka', 'ri', 'zo', 'nel', 'va', 'lu', 'mi', 'xo', 'ra', 'den', 'sa', 'tu', 'bel', 'no', 'vi', 'ko', 'la', 'ze'];
const TITLE_WORDS = ['Night', 'Drive', 'Heart', 'Fire', 'Summer', 'Rain', 'Gold', 'Ocean', 'Dream', 'Light', 'City', 'Shadow', 'Dance', 'Stars', 'Home', 'Wire', 'Sugar', 'Storm', 'Echo', 'Bloom', 'Static', 'Runaway', 'Paradise', 'Silence', 'Fever'];
const TITLE_TEMPLATES = ['{a} {n}', '{n}', 'The {a} {n}', '{n} of {n}', '{a} {n} ({v})', 'Into the {n}', '{n} Again', 'Say You {v}', 'All My {n}', '{a}'];
const VERBS = ['Remix', 'Live', 'Acoustic', 'Stay', 'Run', 'Fall', 'Know', 'Wait', 'Mean It', 'Reprise'];

function word(random: Random): string {
  const count = 2 + random.int(2);
  let result = '';
  for (let i = 0; i < count; i++) result += random.pick(SYLLABLES);
  return result.charAt(0).toUpperCase() + result.slice(1);
}

export function artistName(random: Random): string {
  const style = random.next();
  if (style < 0.3) return `${random.pick(FIRST)} ${random.pick(LAST)}`;
  if (style < 0.55) return `The ${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`;
  if (style < 0.72) return `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`;
  if (style < 0.85) return `${random.pick(PREFIXES)} ${word(random)}`;
  return word(random);
}

export function title(random: Random): string {
  return random
    .pick(TITLE_TEMPLATES)
    .replace(/\{a\}/g, () => random.pick(ADJECTIVES))
    .replace(/\{n\}/g, () => random.pick(TITLE_WORDS))
    .replace(/\{v\}/g, () => random.pick(VERBS));
}
