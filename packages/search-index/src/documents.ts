// What MiniSearch indexes per entity (tracks, artists and albums in one code space): the
// document fields, the index options, and the document of one entity. Build and load share them.
import type { Options as MiniSearchOptions } from 'minisearch';
import type { EntitySpace } from './entities';

export interface IndexedDocument {
  id: number;
  name: string;
  artists: string;
  album: string;
  genres: string;
}

export const FIELDS = ['name', 'artists', 'album', 'genres'] as const;
export type Field = (typeof FIELDS)[number];

export function miniSearchOptions(): MiniSearchOptions<IndexedDocument> {
  return {
    idField: 'id',
    fields: [...FIELDS],
    storeFields: [],
    // text is normalized before it reaches MiniSearch (nameText), so tokenizing is a split
    tokenize: (text) => (text === '' ? [] : text.split(' ')),
    processTerm: (term) => term,
  };
}

/** The indexed document of an entity; `genreTexts` are the catalog's genre names as indexed text. */
export function documentOf(entities: EntitySpace, code: number, genreTexts: readonly string[]): IndexedDocument {
  const store = entities.store;
  const type = entities.typeOf(code);
  const index = entities.indexOf(code);
  if (type === 'track') {
    const artists = store.artistsOfTrack(index);
    let artistText = '';
    for (let j = 0; j < artists.length; j++) artistText += (j > 0 ? ' ' : '') + entities.names[entities.artistCode(artists[j]!)]!;
    const album = store.columns.trackAlbum[index]!;
    // Track genres are left to the lexicon and dense retrieval: a genre word would otherwise hit
    // every track of the genre (posting lists of 10^4–10^5 at 1M tracks) on every query.
    return { id: code, name: entities.names[code]!, artists: artistText, album: album >= 0 ? entities.names[entities.albumCode(album)]! : '', genres: '' };
  }
  if (type === 'artist') {
    const genres = entities.genresOf(code).map((genre) => genreTexts[genre]!).join(' ');
    return { id: code, name: entities.names[code]!, artists: '', album: '', genres };
  }
  const artist = store.columns.albumArtist[index]!;
  return { id: code, name: entities.names[code]!, artists: entities.names[entities.artistCode(artist)]!, album: '', genres: '' };
}
