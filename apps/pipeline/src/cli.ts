// The `mixtape` command tree. Each command group lives in commands/<group>.ts and registers itself.
import { Command } from 'commander';
import { registerBuildCommand } from './commands/build';
import { registerBundleCommand } from './commands/bundle';
import { registerDataCommand } from './commands/data';
import { registerDemoCommand } from './commands/demo';
import { registerDoctorCommand } from './commands/doctor';
import { registerEvalCommand } from './commands/eval';
import { registerExperimentCommand } from './commands/experiment';
import { registerPipelineCommand } from './commands/pipeline';
import { registerPlaylistsCommand } from './commands/playlists';
import { MIXTAPE_VERSION } from './version';

export function createProgram(): Command {
  const program = new Command('mixtape')
    .description('Mixtape: catalog → embeddings → FAISS indexes → bundles → Home, Search and prompted playlists')
    .version(MIXTAPE_VERSION, '-v, --version', 'print the Mixtape version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true });
  registerBuildCommand(program);
  registerBundleCommand(program);
  registerDataCommand(program);
  registerDemoCommand(program);
  registerDoctorCommand(program);
  registerEvalCommand(program);
  registerExperimentCommand(program);
  registerPipelineCommand(program);
  registerPlaylistsCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  await createProgram().parseAsync(argv);
}
