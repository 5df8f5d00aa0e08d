// A real playlists process in a temporary folder, planning through a fake LLM: the setup the
// fault, shutdown and secrets suites share. `env` adds to or overrides the defaults.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startServiceProcess, type ServiceProcess } from '../src/index';
import { startFakeLlm, type FakeLlm } from './fake-llm';

export interface PlaylistsWithFakeLlm {
  /** the temporary folder (the playlists store is `<work>/playlists`) */
  work: string;
  llm: FakeLlm;
  playlists: ServiceProcess;
  /** stops the process and the LLM, removes the folder */
  close(): Promise<void>;
}

export async function startPlaylistsWithFakeLlm(name: string, env: Record<string, string> = {}): Promise<PlaylistsWithFakeLlm> {
  const work = await mkdtemp(join(tmpdir(), `mixtape-${name}-`));
  const llm = await startFakeLlm();
  const playlists = await startServiceProcess('playlists', {
    PLAYLISTS_DATA_DIR: join(work, 'playlists'),
    PLAYLISTS_SYNTHETIC_TRACKS: '600',
    MIXTAPE_LLM_BASE_URL: llm.baseUrl,
    MIXTAPE_LLM_MODEL: 'fake',
    ...env,
  });
  const close = async (): Promise<void> => {
    await playlists.stop();
    await llm.close();
    await rm(work, { recursive: true, force: true });
  };
  try {
    await playlists.waitUntilReady(90_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { work, llm, playlists, close };
}

/**
 * `startPlaylistsWithFakeLlm` for a describe block: started before its tests, closed after.
 * Read `work`, `llm` and `playlists` inside the tests.
 */
export function usePlaylistsWithFakeLlm(name: string, env: Record<string, string> = {}): Omit<PlaylistsWithFakeLlm, 'close'> {
  let setup: PlaylistsWithFakeLlm | undefined;
  beforeAll(async () => {
    setup = await startPlaylistsWithFakeLlm(name, env);
  });
  afterAll(async () => {
    await setup?.close();
  });
  const started = (): PlaylistsWithFakeLlm => {
    if (!setup) throw new Error(`usePlaylistsWithFakeLlm(${name}): not started yet; read it inside a test`);
    return setup;
  };
  return {
    get work() {
      return started().work;
    },
    get llm() {
      return started().llm;
    },
    get playlists() {
      return started().playlists;
    },
  };
}
