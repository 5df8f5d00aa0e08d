// The Home ranker as a bundle part: learned by `mixtape build` from the log with a temporal split
// (labels = reward after the cutoff); absent when the data is too small to learn from, and then
// Home serves its heuristic ranker.
import { formatProgress } from '@mixtape/base';
import { InsufficientTrainingDataError, parseRankerModel, trainHomeRanker, type HomeRankerModel } from '@mixtape/ranking';
import { definePart } from '../registry/define';
import { datasetPart } from './dataset';
import { itemIndexPart, itemVectorsPart } from './embeddings';

export const homeRankerPart = definePart({
  name: 'homeRanker',
  description: 'the learned Home ranker (multi-objective reward); absent when there is too little data',
  files: { model: { path: 'models/ranker.json', role: 'model', contentType: 'application/json' } },
  optional: true,
  dependsOn: [datasetPart, itemVectorsPart, itemIndexPart],
  build: async ({ inputs, write, progress }): Promise<HomeRankerModel | undefined> => {
    const { store, interactions } = inputs.dataset;
    let trained;
    try {
      trained = await trainHomeRanker(
        { store, interactions, itemVectors: inputs.itemVectors.vectors, itemDim: inputs.itemVectors.dim, itemIndex: inputs.itemIndex },
        { onProgress: (event) => progress(`  ${formatProgress(event)}`) },
      );
    } catch (error) {
      if (!(error instanceof InsufficientTrainingDataError)) throw error;
      progress(`homeRanker: not trained (${error.message}); Home serves its heuristic ranker`);
      return undefined;
    }
    const { model, report } = trained;
    progress(
      `homeRanker: ${report.chosen.kind} chosen, validation NDCG@10 ${Math.max(...Object.values(report.validationNdcg10)).toFixed(4)} (best single feature ${report.bestSingleFeature.name} ${report.bestSingleFeature.ndcg10})`,
    );
    await write('model', JSON.stringify(model));
    return model;
  },
  open: async ({ read, version }) => parseRankerModel((await read('model')).toString('utf8'), `bundle ${version}: models/ranker.json`),
  summarize: (model) => `${model.kind} ranker`,
});
