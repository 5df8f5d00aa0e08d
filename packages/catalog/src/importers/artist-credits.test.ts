import { describe, expect, it } from 'vitest';
import { resolveCommaCredits } from './artist-credits';

describe('resolveCommaCredits', () => {
  const credits = [
    'Tyler, The Creator',
    'Tyler, The Creator, Kali Uchis',
    'Tyler, The Creator, ScHoolboy Q, Santigold',
    'Lady Gaga, Bruno Mars',
    'Lady Gaga',
    'Bruno Mars, Anderson .Paak',
    'Waylon Jennings, Willie Nelson',
    'Waylon Jennings, Willie Nelson',
    'Earth, Wind & Fire',
    'Earth, Wind & Fire, The Emotions',
  ];
  const resolved = resolveCommaCredits(credits);

  it('keeps a comma inside a name the file always credits as one', () => {
    expect(resolved.get('Tyler, The Creator')).toEqual(['Tyler, The Creator']);
    expect(resolved.get('Tyler, The Creator, Kali Uchis')).toEqual(['Tyler, The Creator', 'Kali Uchis']);
    expect(resolved.get('Tyler, The Creator, ScHoolboy Q, Santigold')).toEqual(['Tyler, The Creator', 'ScHoolboy Q', 'Santigold']);
  });

  it('splits collaborations, including one-off duos and names seen too rarely to tell', () => {
    expect(resolved.get('Lady Gaga, Bruno Mars')).toEqual(['Lady Gaga', 'Bruno Mars']);
    expect(resolved.get('Waylon Jennings, Willie Nelson')).toEqual(['Waylon Jennings', 'Willie Nelson']);
    // two credits only: indistinguishable from a duo that always records together
    expect(resolved.get('Earth, Wind & Fire')).toEqual(['Earth', 'Wind & Fire']);
  });

  it('does not join a pair whose pieces are also credited apart', () => {
    const apart = resolveCommaCredits(['A, B', 'A, B, C', 'A, B, D', 'B']);
    expect(apart.get('A, B')).toEqual(['A', 'B']);
    const chained = resolveCommaCredits(['Crosby, Stills, Nash', 'Crosby, Stills, Nash, X', 'Y, Crosby, Stills, Nash']);
    expect(chained.get('Crosby, Stills, Nash, X')).toEqual(['Crosby, Stills, Nash', 'X']);
  });
});
