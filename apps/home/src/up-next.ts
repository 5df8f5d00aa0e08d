// "Up next" and radio from the bundle's next-track model (@mixtape/sequence): each known
// listener's last plays in the bundle, extended by the events posted since, are the model's input;
// the recommender batches concurrent requests into one forward pass and one FAISS search.
import { sequenceModelPart } from '@mixtape/bundle';
import type { SequenceModelPartValue } from '@mixtape/bundle';
import type { InteractionLog } from '@mixtape/catalog';
import type { RecentEventStore, UserEvent } from '@mixtape/ranking';
import { createNextTrackRecommender, extendHistory, historiesFromInteractions } from '@mixtape/sequence';
import type { NextTrackRecommender } from '@mixtape/sequence';

export interface UpNextServing {
  recommender: NextTrackRecommender;
  /** the listener's last plays (track indices, oldest first): the bundle's log, then their live events */
  historyOf(userId: string): Promise<{ history: Int32Array; known: boolean; live: readonly UserEvent[] }>;
}

export function createUpNextServing(part: SequenceModelPartValue, interactions: InteractionLog | undefined, recentEvents: RecentEventStore): UpNextServing {
  const recommender = createNextTrackRecommender(part.model, part.index);
  const maxLength = part.model.config.maxLength;
  const histories = interactions ? historiesFromInteractions(interactions, { lastItems: maxLength }) : undefined;
  return {
    recommender,
    async historyOf(userId) {
      const user = interactions?.userIndex(userId) ?? -1;
      const stored = histories && user >= 0 ? histories.items.subarray(histories.offsets[user]!, histories.offsets[user + 1]!) : new Int32Array(0);
      const live = await recentEvents.get(userId);
      // no live events (most requests): the stored plays as they are, no copy
      const history = live.length === 0 ? stored : extendHistory(stored, live);
      return { history: history.subarray(Math.max(0, history.length - maxLength)), known: user >= 0, live };
    },
  };
}

/**
 * Why a bundle has no next-track model, as its build recorded it in the manifest
 * (`metadata.build.parts.sequenceModel`): the part's own reason when it ran and produced nothing,
 * that the build did not run it (`--only` without it), or that it was built but its files are not
 * in the manifest (so the service could not load it). A manifest without build metadata
 * (published by other tools, or before manifests said why) gets the possible reasons.
 */
export function upNextAbsence(version: string, metadata: Record<string, unknown> | undefined): { message: string; reason: string } {
  const name = sequenceModelPart.name;
  const build = metadata?.['build'] as { parts?: Record<string, { present?: boolean; reason?: unknown } | undefined> } | undefined;
  const parts = build?.parts && typeof build.parts === 'object' ? build.parts : undefined;
  const entry = parts?.[name];
  const head = `Bundle ${version} has no next-track model, so Up next and radio are unavailable`;
  if (entry && entry.present === false) {
    const reason = typeof entry.reason === 'string' && entry.reason ? entry.reason : 'the build left the part out without recording why';
    // the part's reason says what to change (e.g. --set sequenceModel.historyItems=N) when anything can; its build-table
    // ending "; Up next and radio are unavailable" is the head's own words, so the message does not say it twice
    return { message: `${head}: the build left the ${name} part out — ${reason.replace(/; Up next and radio are unavailable$/, '')}`, reason };
  }
  if (entry && entry.present === true) {
    // the build made it, yet the service has none: the manifest lists none of its files (a part with some files fails to load)
    const files = Object.values(sequenceModelPart.files).map((file) => file.path).join(', ');
    const reason = `the build record says the ${name} part was built, but the manifest lists none of its files (${files}), so this service did not load it`;
    return { message: `${head}: ${reason} — the bundle was published or copied without them; publish the build's output again`, reason };
  }
  if (parts && !entry) {
    const reason = `the build did not run the ${name} part (it built ${Object.keys(parts).join(', ') || 'no parts'}: \`mixtape build --only\` without ${name})`;
    return { message: `${head}: ${reason}; build again with ${name} in --only, or without --only`, reason };
  }
  const reason = 'the manifest does not say why (no build record in its metadata)';
  return {
    message: `${head}: ${reason} — mixtape build leaves the ${name} part out when the log has too few consecutive plays to train it (its output and \`mixtape bundle show\` say how many) or when --only omits it`,
    reason,
  };
}
