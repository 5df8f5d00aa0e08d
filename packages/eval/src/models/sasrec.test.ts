import { describe, expect, it } from 'vitest';
import { CatalogBuilder, CatalogStore } from '@mixtape/catalog';
import { createModelRegistry } from './registry';
import { backoffGroups, sideInputGroups } from './sasrec';

describe('sasrec model spec', () => {
  it('names its settings, tied or untied output included, and rejects bad values', () => {
    const registry = createModelRegistry();
    expect(registry.create('sasrec').name).toBe(
      'SASRec transformer (d=64, 2 blocks, 1 head, L=50, dropout 0.3, untied output, lr 0.005, sampled softmax, 2048 negatives + log-Q; trained with transition prior α=1, μ=0.04, γ=0.5; + transition prior backing off to album, artist chosen on validation)',
    );
    expect(registry.create('sasrec:transitionPrior=false:trainWithPrior=false').name).toBe('SASRec transformer (d=64, 2 blocks, 1 head, L=50, dropout 0.3, untied output, lr 0.005, sampled softmax, 2048 negatives + log-Q)');
    expect(registry.create('sasrec:trainPriorAlpha=2').name).toContain('; trained with transition prior α=2, μ=0.04, γ=0.5; + transition prior backing off to album, artist chosen on validation)');
    expect(() => registry.create('sasrec:transitionPrior=1')).toThrow('model sasrec: transitionPrior must be "true" or "false", got "1"');
    expect(registry.create('sasrec:trainWithPrior=alone').name).toContain('; trained residually over the prior alone (backing off to album, artist) chosen on validation; + transition prior backing off to album, artist chosen on validation)');
    expect(registry.create('sasrec:sideInputs=album+artist').name).toContain('untied output, side inputs album, artist, lr 0.005');
    expect(registry.create('sasrec:sideInputs=none').name).toContain('untied output, lr 0.005');
    expect(() => registry.create('sasrec:sideInputs=genre')).toThrow('model sasrec: sideInputs: expected "none" or levels joined by "+" from album, artist, albumPosition, artistRank');
    expect(registry.create('sasrec:sideInputs=album+artist+albumPosition+artistRank').name).toContain('side inputs album, artist, albumPosition, artistRank, lr 0.005');
    expect(() => registry.create('sasrec:trainWithPrior=prior')).toThrow('model sasrec: trainWithPrior must be "true" or "false" or "alone", got "prior"');
    expect(registry.create('sasrec:negatives=1024:samplingExponent=0').name).toContain('sampled softmax, 1024 uniform negatives + log-Q');
    expect(registry.create('sasrec:tied=true:learningRate=0.001:negatives=256').name).toContain('SASRec transformer (d=64, 2 blocks, 1 head, L=50, dropout 0.3, tied output, lr 0.001, sampled softmax, 256 negatives + log-Q;');
    expect(registry.create('sasrec:tied=false:learningRate=0.005:dim=32').name).toContain('SASRec transformer (d=32, 2 blocks, 1 head, L=50, dropout 0.3, untied output, lr 0.005, sampled softmax, 2048 negatives + log-Q;');
    expect(registry.create('sasrec:lastItemResidual=true:weightDecay=0.01').name).toContain('untied output + last-item residual, lr 0.005, weight decay 0.01, sampled');
    expect(() => registry.create('sasrec:lastItemResidual=yes')).toThrow('model sasrec: lastItemResidual must be "true" or "false", got "yes"');
    expect(() => registry.create('sasrec:tied=maybe')).toThrow('model sasrec: tied must be "true" or "false", got "maybe"');
    expect(() => registry.create('sasrec:loss=hinge')).toThrow('loss must be "sampled" or "full"');
    expect(registry.create('sasrec:learningRateDecay=cosine:warmupSteps=200').name).toContain('lr 0.005 with cosine decay after 200 warm-up steps, sampled');
    expect(registry.create('sasrec:learningRateDecay=constant').name).toContain('lr 0.005, sampled');
    expect(() => registry.create('sasrec:learningRateDecay=step')).toThrow('learningRateDecay must be "constant", "linear" or "cosine", got "step"');
    expect(registry.create('sasrec:backoff=album+artist').name).toContain('; + transition prior backing off to album, artist chosen on validation)');
    expect(registry.create('sasrec:backoff=artist').name).toContain('; + transition prior backing off to artist chosen on validation)');
    expect(registry.create('sasrec:backoff=none').name).toContain('; + transition prior chosen on validation)');
    expect(() => registry.create('sasrec:backoff=genre')).toThrow('model sasrec: backoff: expected "none" or levels joined by "+" from album, artist (e.g. "album+artist"), got "genre"');
    expect(() => registry.create('sasrec:backoff=artist+artist')).toThrow('model sasrec: backoff: a level is named twice in "artist+artist"');
  });

  it('takes the back-off groups from the dataset\'s catalog: album and primary artist per item; without a catalog every level is missing', () => {
    const builder = new CatalogBuilder();
    builder.addArtist({ id: 'a', name: 'A', genres: [] });
    builder.addArtist({ id: 'b', name: 'B', genres: [] });
    builder.addAlbum({ id: 'x', title: 'X', artistId: 'a' });
    builder.addAlbum({ id: 'y', title: 'Y', artistId: 'b' });
    for (const [id, albumId, artistId] of [['t0', 'x', 'b'], ['t1', 'y', 'b'], ['t2', undefined, 'a']] as const) builder.addTrack({ id, title: id, artistIds: [artistId], albumId, durationMs: 180_000, popularity: 0.5, explicit: false, genres: [], subgenres: [] });
    const store = new CatalogStore(builder.build());
    const both = backoffGroups(['album', 'artist'], 3, { store });
    expect(both.missing).toEqual([]);
    expect(both.groups.map((g) => g.name)).toEqual(['album', 'artist']);
    expect(Array.from(both.groups[0]!.of)).toEqual([0, 1, -1]);
    expect(Array.from(both.groups[1]!.of)).toEqual([1, 1, 0]);
    expect(backoffGroups(['artist'], 3, { store }).groups.map((g) => g.name)).toEqual(['artist']);
    expect(backoffGroups(['album', 'artist'], 3, {})).toEqual({ groups: [], missing: ['album', 'artist'] });
    expect(backoffGroups(['album'], 4, { store })).toEqual({ groups: [], missing: ['album'] });
    // side inputs add the positional levels (one-track albums have no position); artistRank counts the training plays:
    // t1 4 plays, t0 2 minus 1: the trainer holds out rows 0 and 2's last items (row 1 ends in a repeat, not drawn)
    const data = { items: Int32Array.from([0, 1, 2, 1, 2, 1, 2, 1, 0]), offsets: Int32Array.from([0, 3, 6, 9]), numItems: 3 };
    const side = sideInputGroups(['album', 'albumPosition', 'artistRank'], data, { store }, { rows: 3, seed: 1 });
    expect(side.groups.map((g) => g.name)).toEqual(['album', 'albumPosition', 'artistRank']);
    expect(Array.from(side.groups[1]!.of)).toEqual([-1, -1, -1]);
    expect(Array.from(side.groups[2]!.of)).toEqual([1, 0, 0]);
    expect(sideInputGroups(['artistRank'], data, {}, { rows: 3, seed: 1 })).toEqual({ groups: [], missing: ['artistRank'] });
  });

  it('ranks artistRank by the training plays only: a catalog whose popularity counts test-period plays changes nothing (review s10 finding 4)', () => {
    // an imported catalog's popularity is counted over the whole log; here the test period made t0 the most played
    const catalog = (popularity: (id: string) => number) => {
      const builder = new CatalogBuilder();
      builder.addArtist({ id: 'a', name: 'A', genres: [] });
      for (const id of ['t0', 't1', 't2']) builder.addTrack({ id, title: id, artistIds: ['a'], durationMs: 180_000, popularity: popularity(id), explicit: false, genres: [], subgenres: [] });
      return new CatalogStore(builder.build());
    };
    const data = { items: Int32Array.from([2, 2, 1, 2, 1, 0, 2, 1, 0]), offsets: Int32Array.from([0, 3, 6, 9]), numItems: 3 };
    const ranks = (store: CatalogStore) => Array.from(sideInputGroups(['artistRank'], data, { store }, { rows: 0, seed: 1 }).groups[0]!.of);
    // training plays: t2 4, t1 3, t0 2 → ranks 2, 1, 0 whatever the catalog says
    expect(ranks(catalog((id) => ({ t0: 0.9, t1: 0.5, t2: 0.1 })[id]!))).toEqual([2, 1, 0]);
    expect(ranks(catalog((id) => ({ t0: 0.1, t1: 0.5, t2: 0.9 })[id]!))).toEqual([2, 1, 0]);
  });
});
