import type { Router } from 'express';
import { createInfoRouter } from '@mixtape/service-kit';
import type { PlaylistsDeps } from '../app';
import type { PlaylistService } from '../playlist-service';
import { createPlaylistsRouter } from './playlists';

/** Every router of the playlists service, mounted in this order after service-kit's middleware. */
export function createRoutes(deps: PlaylistsDeps, service: PlaylistService): Router[] {
  return [createInfoRouter({ context: deps.context, surface: 'playlists', experiments: deps.experiments }), createPlaylistsRouter(deps, service)];
}
