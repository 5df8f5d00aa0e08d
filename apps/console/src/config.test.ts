import { describe, expect, it } from 'vitest';
import { ConsoleConfigError, loadConsoleConfig } from './config';

describe('loadConsoleConfig', () => {
  it('defaults to the demo ports and trims trailing slashes', () => {
    const config = loadConsoleConfig({ SEARCH_URL: 'http://search.internal:8080/', HOME_URL: '' });
    expect(config).toMatchObject({ PORT: 4100, HOME_URL: 'http://127.0.0.1:4101', SEARCH_URL: 'http://search.internal:8080', PLAYLISTS_URL: 'http://127.0.0.1:4103' });
    expect(config.staticDir).toMatch(/console[/\\]dist[/\\]web$/);
  });

  it('reports every bad key at once', () => {
    let error: unknown;
    try {
      loadConsoleConfig({ PORT: 'eighty', HOME_URL: 'localhost:4101' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConsoleConfigError);
    expect((error as ConsoleConfigError).issues).toHaveLength(2);
    expect((error as Error).message).toContain('HOME_URL');
    expect((error as Error).message).toContain('PORT');
  });
});
