// Artist credits written as one text with ", " between artists ("Lady Gaga, Bruno Mars"), where
// a few artist names contain ", " themselves ("Tyler, The Creator"). The file has no artist ids
// and no other separator, so which commas are part of a name is read from the whole file: two
// adjacent pieces stay one name when the file never credits either piece without the other, the
// joined name is a track's entire credit somewhere, and the pair recurs in at least
// MIN_CREDITS_AS_ONE distinct credits. A one-off duo ("Waylon Jennings, Willie Nelson") is split,
// as a real collaboration should be; a name seen once or twice with a comma stays split too
// (the evidence cannot tell it from a duo that always works together).

/** Distinct credits a comma-joined pair must appear in before it is read as one name. */
export const MIN_CREDITS_AS_ONE = 3;

/**
 * Resolves every credit of a file at once: returns, per distinct credit text, its artist names.
 * `credits` are the raw texts (duplicates allowed).
 */
export function resolveCommaCredits(credits: Iterable<string>): Map<string, string[]> {
  const pieces = new Map<string, string[]>();
  for (const credit of credits) {
    if (!pieces.has(credit)) pieces.set(credit, credit.split(', ').map((piece) => piece.trim()).filter(Boolean));
  }
  // for each piece: the distinct credits it appears in; for each adjacent pair: the same
  const creditsOfPiece = new Map<string, Set<string>>();
  const creditsOfPair = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, credit: string): void => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(credit);
  };
  for (const [credit, list] of pieces) {
    for (let i = 0; i < list.length; i++) {
      add(creditsOfPiece, list[i]!, credit);
      if (i + 1 < list.length) add(creditsOfPair, `${list[i]!}, ${list[i + 1]!}`, credit);
    }
  }
  const joinable = (left: string, right: string): boolean => {
    const pair = `${left}, ${right}`;
    const together = creditsOfPair.get(pair)!;
    return together.size >= MIN_CREDITS_AS_ONE && creditsOfPiece.get(left)!.size === together.size && creditsOfPiece.get(right)!.size === together.size;
  };
  const resolved = new Map<string, string[]>();
  for (const [credit, list] of pieces) {
    const names: string[] = [];
    for (let start = 0; start < list.length; ) {
      // the longest run of pieces never credited apart ("Crosby, Stills, Nash"), kept whole only
      // when the run is some track's entire credit
      let end = start + 1;
      while (end < list.length && joinable(list[end - 1]!, list[end]!)) end++;
      const run = list.slice(start, end).join(', ');
      if (end - start > 1 && pieces.has(run)) names.push(run);
      else names.push(...list.slice(start, end));
      start = end;
    }
    resolved.set(credit, names);
  }
  return resolved;
}
