import type { Router } from 'express';
import type { PlaylistsDeps } from '../app';
import type { PlaylistService } from '../playlist-service';
import { createInfoRouter } from './info';
import { createPlaylistsRouter } from './playlists';

/** Every router of the playlists service, mounted in this order after service-kit's middleware. */
export function createRoutes(deps: PlaylistsDeps, service: PlaylistService): Router[] {
  return [createInfoRouter(deps), createPlaylistsRouter(deps, service)];
}
