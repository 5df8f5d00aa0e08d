// Dense positions for string keys in first-seen order (user and item ids of an import).

export class KeyPositions {
  /** every key, at its position */
  readonly keys: string[] = [];
  private readonly positions = new Map<string, number>();

  /** The key's position; a key not seen before takes the next one. */
  positionOf(key: string): number {
    let position = this.positions.get(key);
    if (position === undefined) {
      position = this.keys.length;
      this.positions.set(key, position);
      this.keys.push(key);
    }
    return position;
  }

  get size(): number {
    return this.keys.length;
  }
}
