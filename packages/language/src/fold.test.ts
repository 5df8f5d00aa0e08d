import { describe, expect, it } from 'vitest';
import { compactKey, foldText, identityKey, nameText, nameWords, songKey, spacedKey } from './fold';
import { tokenize } from './tokens';

const FOLDS = { foldText, spacedKey, compactKey, nameText };

describe('folding', () => {
  it.each<[keyof typeof FOLDS, string, string]>([
    // case, diacritics, apostrophes and ampersands
    ['foldText', "Beyoncé's 90’s R&B", 'beyonces 90s r and b'],
    ['spacedKey', 'AC/DC', 'ac dc'],
    ['compactKey', 'Trip-Hop', 'triphop'],
    ['spacedKey', 'Sigur Rós, Røyksopp', 'sigur ros royksopp'],
    ['spacedKey', 'Sigur Rós – Ágætis byrjun', 'sigur ros agaetis byrjun'],
    // zero-width characters inside words are dropped, not word breaks
    ['spacedKey', 'Bey\u200Boncé', 'beyonce'],
    ['nameText', 'Hal\uFEFFo', 'halo'],
    // decimals and units stay one word
    ['spacedKey', '1.5 hours, 45min', '1.5 hours 45min'],
    // name text drops credit markers and keeps the credited name
    ['nameText', 'Crazy In Love (feat. Jay-Z)', 'crazy in love jay z'],
    ['nameText', 'Song ft. Drake', 'song drake'],
    ['nameText', 'Song Featuring Drake', 'song drake'],
    ['nameText', "Don't   Stop Me Now!!", 'dont stop me now'],
    ['nameText', 'Simon & Garfunkel', 'simon and garfunkel'],
    ['nameText', 'AC/DC - Back In Black (Remastered)', 'ac dc back in black remastered'],
    ['nameText', 'ÉLECTRIQUE Zoé', 'electrique zoe'],
    ['nameText', '', ''],
  ])('%s(%j) is %j', (fold, text, expected) => {
    expect(FOLDS[fold](text)).toBe(expected);
  });

  it('tokens of decimals and units join back into keys', () => {
    expect(tokenize('1.5 hours, 45min').map((token) => token.text)).toEqual(['1.5', 'hours', ',', '45min']);
  });

  it('a name of punctuation alone has no words', () => {
    expect(nameWords('  ...  ')).toEqual([]);
  });

  it('identity keys merge spelling variants of one name and never collapse to empty', () => {
    expect(identityKey('Beyoncé')).toBe(identityKey('BEYONCE'));
    expect(identityKey('AC/DC')).toBe(identityKey('ac-dc'));
    expect(identityKey('!!!')).toBe('!!!');
    expect(identityKey('  ¡¡¡  ')).toBe('¡¡¡');
  });

  it('song keys ignore versions and remaster notes', () => {
    expect(songKey('Song (Remastered 2011) - Radio Edit')).toBe('song');
    expect(songKey('Song [Live]')).toBe(songKey('SONG!'));
    expect(songKey('(Intro)')).toBe('intro');
  });
});
