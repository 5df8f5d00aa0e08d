// Test helper: mean cosine of same-genre vs different-genre track pairs, the check every
// vector trainer's test makes ("same genre sits closer").
export class SimilarityTally {
  private same = 0;
  private different = 0;
  sameCount = 0;
  differentCount = 0;

  add(sameGenre: boolean, similarity: number): void {
    if (sameGenre) {
      this.same += similarity;
      this.sameCount++;
    } else {
      this.different += similarity;
      this.differentCount++;
    }
  }

  get sameMean(): number {
    return this.same / this.sameCount;
  }

  get differentMean(): number {
    return this.different / this.differentCount;
  }
}
