// The served next-track prior without the transformer: last item → its successors, backing off to
// the last item's album and artist (@mixtape/sequence's prior, α/μ/γ and the levels' α_g/μ_g
// chosen on the same validation rows as sasrec's), popularity ordering what the prior leaves
// tied. sasrec = transformer logits + this prior; the gap between the two is the transformer's.
import { addTransitionPrior, describeTransitionSettings, fitTransitionPriorAlone } from '@mixtape/sequence';
import type { BackoffLevel, TransitionPrior, TransitionPriorReport } from '@mixtape/sequence';
import type { CsrMatrix } from '@mixtape/embeddings';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted, requireSequences } from '../recommender';
import { DEFAULT_BACKOFF, backoffGroups } from './sasrec';
import { popularityBelow } from './transition';

export interface TransitionBackoffOptions {
  /** back-off levels in order (default sasrec's DEFAULT_BACKOFF; a level the dataset lacks is left out) */
  backoff?: readonly BackoffLevel[];
  /** validation rows for the settings (default 1000, as the eval runs of sasrec) */
  validationRows?: number;
  /** seed of the validation draw (default the run's: the same rows as sasrec's) */
  seed?: number;
}

/** Popularity is scaled into [0, POPULARITY_SCALE): below any boost of the prior, so it only breaks ties. */
const POPULARITY_SCALE = 1e-6;

interface TransitionBackoffState {
  numItems: number;
  prior: TransitionPrior | undefined;
  base: Float32Array;
}

export class TransitionBackoffRecommender extends ScoringRecommender {
  readonly name: string;
  private readonly options: TransitionBackoffOptions;
  private state: TransitionBackoffState | undefined;

  constructor(options: TransitionBackoffOptions = {}) {
    super();
    this.options = { ...options, backoff: options.backoff ?? DEFAULT_BACKOFF };
    const levels = this.options.backoff!;
    this.name = `transition-backoff (the served prior alone: last item → successors${levels.length > 0 ? `, backing off to ${levels.join(', ')}` : ''}, chosen on validation; popularity breaks ties)`;
  }

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const sequences = requireSequences(context.sequences, 'transition-backoff');
    const { groups, missing } = backoffGroups(this.options.backoff!, train.cols, context);
    const base = popularityBelow(train, POPULARITY_SCALE);
    const { prior, report } = fitTransitionPriorAlone(
      { items: sequences.indices, offsets: sequences.indptr, numItems: train.cols },
      { base, groups, validationRows: this.options.validationRows ?? 1000, seed: this.options.seed ?? context.seed ?? 1 },
    );
    this.notes = `${describeChoice(report, prior)}${missing.length > 0 ? `; back-off to ${missing.join(', ')} left out (the dataset has no catalog)` : ''}`;
    this.state = { numItems: train.cols, prior, base };
  }

  protected get numItems(): number {
    return assertFitted(this.state, this.name).numItems;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const { numItems, prior, base } = assertFitted(this.state, this.name);
    const sequences = requireSequences(batch.sequences, 'transition-backoff');
    for (let b = 0; b < batch.rows.length; b++) {
      const row = batch.rows[b]!;
      out.set(base, b * numItems);
      const end = sequences.indptr[row + 1]!;
      if (end > sequences.indptr[row]!) addTransitionPrior(prior, sequences.indices[end - 1]!, out, b * numItems);
    }
  }
}

function describeChoice(report: TransitionPriorReport, prior: TransitionPrior | undefined): string {
  const figures = `validation NDCG@10 ${report.validationNdcg10!.toFixed(4)}, popularity alone ${report.modelValidationNdcg10!.toFixed(4)}`;
  return prior ? `prior ${describeTransitionSettings(report.settings)} chosen on validation (${figures}); ${prior.items.length} successor pairs` : `no setting beat popularity on validation (${figures}): popularity only`;
}

export function createTransitionBackoffRecommender(options: TransitionBackoffOptions = {}): TransitionBackoffRecommender {
  return new TransitionBackoffRecommender(options);
}
