// "Up next" and radio from the bundle's next-track model (@mixtape/sequence): each known
// listener's last plays in the bundle, extended by the events posted since, are the model's input;
// the recommender batches concurrent requests into one forward pass and one FAISS search.
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
      const history = extendHistory(stored, live);
      return { history: history.subarray(Math.max(0, history.length - maxLength)), known: user >= 0, live };
    },
  };
}
