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

  it('refuses service URLs with credentials or a query', () => {
    expect(() => loadConsoleConfig({ HOME_URL: 'http://user:pw@127.0.0.1:4101' })).toThrow(/HOME_URL: expected a base URL without credentials/);
    expect(() => loadConsoleConfig({ SEARCH_URL: 'http://127.0.0.1:4102/?x=1' })).toThrow(/SEARCH_URL/);
  });

  it('answers the API on loopback names and the bound interface unless CONSOLE_ALLOWED_HOSTS says otherwise', () => {
    expect(loadConsoleConfig({}).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(loadConsoleConfig({ HOST: '10.0.0.5' }).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', '10.0.0.5']);
    expect(loadConsoleConfig({ HOST: '0.0.0.0' }).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(loadConsoleConfig({ CONSOLE_ALLOWED_HOSTS: 'console.example.com, Localhost' }).allowedHosts).toEqual(['console.example.com', 'localhost']);
  });
});
