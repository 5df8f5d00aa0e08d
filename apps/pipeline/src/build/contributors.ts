// Extra bundle files built by other packages (search index, ranker…). Each contributor gets the
// trained parts and returns files; `mixtape build` writes them into the bundle beside the rest.
import type { ServingBundleInput } from '@mixtape/bundle';
import type { ProgressLine } from '@mixtape/bundle';

export interface BuildContext {
  parts: Omit<ServingBundleInput, 'source' | 'summary' | 'extraFiles'>;
  progress: ProgressLine;
}

export interface BundleContributor {
  name: string;
  build(context: BuildContext): Promise<NonNullable<ServingBundleInput['extraFiles']>>;
}

/** Registered contributors, in build order. */
export const BUNDLE_CONTRIBUTORS: BundleContributor[] = [];
