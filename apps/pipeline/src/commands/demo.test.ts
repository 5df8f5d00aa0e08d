import { describe, expect, it } from 'vitest';
import { demoBuildSettings } from './demo';

describe('mixtape demo: its build settings', () => {
  it('passes --epochs to item2vec and --threads to the build, and leaves both to the build when absent', () => {
    expect(demoBuildSettings({})).toEqual({ options: {} });
    expect(demoBuildSettings({ epochs: 3, threads: 1 })).toEqual({ options: { itemVectors: { epochs: 3 } }, settings: { threads: 1 } });
    expect(demoBuildSettings({ threads: 2 })).toEqual({ options: {}, settings: { threads: 2 } });
  });
});
