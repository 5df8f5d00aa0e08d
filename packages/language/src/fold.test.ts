import { describe, expect, it } from 'vitest';
import { compactKey, foldText, identityKey, nameText, nameWords, songKey, spacedKey } from './fold';
import { tokenize } from './tokens';

describe('folding', () => {
  it('folds case, diacritics, apostrophes and ampersands', () => {
    expect(foldText("Beyoncé's 90’s R&B")).toBe('beyonces 90s r and b');
    expect(spacedKey('AC/DC')).toBe('ac dc');
    expect(compactKey('Trip-Hop')).toBe('triphop');
    expect(spacedKey('Sigur Rós, Røyksopp')).toBe('sigur ros royksopp');
    expect(spacedKey('Sigur Rós – Ágætis byrjun')).toBe('sigur ros agaetis byrjun');
  });

  it('drops zero-width characters inside words instead of splitting them', () => {
    expect(spacedKey('Bey\u200Boncé')).toBe('beyonce');
    expect(nameText('Hal\uFEFFo')).toBe('halo');
  });

  it('keeps decimals and units as one word, so tokens join back into keys', () => {
    expect(spacedKey('1.5 hours, 45min')).toBe('1.5 hours 45min');
    expect(tokenize('1.5 hours, 45min').map((token) => token.text)).toEqual(['1.5', 'hours', ',', '45min']);
  });

  it('name text drops credit markers, keeps the credited name', () => {
    expect(nameText('Crazy In Love (feat. Jay-Z)')).toBe('crazy in love jay z');
    expect(nameText('Song ft. Drake')).toBe('song drake');
    expect(nameText('Song Featuring Drake')).toBe('song drake');
    expect(nameText("Don't   Stop Me Now!!")).toBe('dont stop me now');
    expect(nameText('Simon & Garfunkel')).toBe('simon and garfunkel');
    expect(nameText('AC/DC - Back In Black (Remastered)')).toBe('ac dc back in black remastered');
    expect(nameText('ÉLECTRIQUE Zoé')).toBe('electrique zoe');
    expect(nameWords('  ...  ')).toEqual([]);
    expect(nameText('')).toBe('');
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
