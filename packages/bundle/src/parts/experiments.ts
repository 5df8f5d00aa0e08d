// Experiment definitions as a bundle part: `mixtape build --set experiments.file=experiments.yaml`
// validates the file and ships it with the bundle, so the definitions a service serves change
// together with the models they test (MIXTAPE_EXPERIMENTS=bundle). Absent unless a file is given.
import { readFile } from 'node:fs/promises';
import { parseExperimentConfig, type ExperimentConfig } from '@mixtape/experiments';
import { definePart } from '../registry/define';

export interface ExperimentsPartValue {
  /** the definitions as written (YAML or JSON): what the services' registries read */
  text: string;
  config: ExperimentConfig;
}

export const experimentsPart = definePart({
  name: 'experiments',
  description: 'experiment definitions served with this bundle (MIXTAPE_EXPERIMENTS=bundle); absent unless experiments.file is set',
  files: { definitions: { path: 'experiments/definitions.yaml', role: 'metadata', contentType: 'application/yaml' } },
  optional: true,
  options: { file: '' },
  build: async ({ options, write, progress, absent }): Promise<ExperimentsPartValue | undefined> => {
    if (!options.file) return absent('no experiments file given (--set experiments.file=PATH)');
    const text = await readFile(options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`part "experiments": cannot read ${options.file} (${error.code === 'ENOENT' ? 'no such file' : error.message})`, { cause: error });
    });
    // an invalid file fails the build: a bundle never carries definitions a service would refuse
    const config = parseExperimentConfig(text, options.file);
    await write('definitions', text);
    progress(`experiments: ${config.experiments.length} experiments from ${options.file}`);
    return { text, config };
  },
  open: async ({ read, version }): Promise<ExperimentsPartValue> => {
    const text = (await read('definitions')).toString('utf8');
    return { text, config: parseExperimentConfig(text, `bundle ${version}: experiments/definitions.yaml`) };
  },
  summarize: (value) => `${value.config.experiments.length} experiments${value.config.holdout ? `, holdout ${value.config.holdout.percent} %` : ''}`,
});
