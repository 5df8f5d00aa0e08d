import { describe, expect, expectTypeOf, it } from 'vitest';
import { pickDefined, withDefaults, type DeepReadonly } from './objects';

describe('pickDefined', () => {
  it('copies the named keys whose values are defined, keeping null, 0, false and empty strings', () => {
    const value = { a: 1, b: undefined as number | undefined, c: null, d: 0, e: false, f: '', g: 'not asked' };
    const picked = pickDefined(value, ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(picked).toStrictEqual({ a: 1, c: null, d: 0, e: false, f: '' });
    expect('b' in picked).toBe(false);
    expect('g' in picked).toBe(false);
  });
});

describe('withDefaults', () => {
  it('takes each field of the defaults from the options where set, as ?? does', () => {
    type Options = { dim?: number; seed?: number; mode?: string };
    const defaults: Required<Options> = { dim: 64, seed: 13, mode: 'binary' };
    expect(withDefaults<Options>(defaults, { dim: 8, seed: undefined })).toEqual({ dim: 8, seed: 13, mode: 'binary' });
    expect(withDefaults<Options>(defaults, {})).toEqual(defaults);
    expect(withDefaults<Options>(defaults, { seed: 0 })).toEqual({ dim: 64, seed: 0, mode: 'binary' });
  });

  it('copies no field the defaults do not name', () => {
    expect(withDefaults<{ dim?: number }>({ dim: 1 }, { dim: 2, extra: true } as { dim?: number })).toEqual({ dim: 2 });
  });
});

describe('DeepReadonly', () => {
  it('makes nested objects, arrays, maps and sets read-only and keeps functions and typed arrays as they are', () => {
    interface Options {
      ranker?: { xgboost?: { params: Record<string, number> }; heads: string[]; log?: (line: string) => void };
      weights: Float32Array;
      seen: Map<string, { count: number }>;
    }
    const options: DeepReadonly<Options> = { ranker: { xgboost: { params: { eta: 0.1 } }, heads: ['ndcg'] }, weights: new Float32Array(2), seen: new Map() };
    expectTypeOf(options.ranker!.heads).toEqualTypeOf<readonly string[]>();
    expectTypeOf(options.weights).toEqualTypeOf<Float32Array>();
    expectTypeOf(options.ranker!.log).toEqualTypeOf<((line: string) => void) | undefined>();
    expectTypeOf(options.seen).toEqualTypeOf<ReadonlyMap<string, { readonly count: number }>>();
    // every level refuses a write (the typecheck task checks these lines, as the expectTypeOf ones above; running
    // them would write, so they sit in a function that is never called)
    const writes = () => {
      // @ts-expect-error a nested property
      options.ranker!.xgboost!.params.eta = 0.2;
      // @ts-expect-error a nested array
      options.ranker!.heads.push('map');
      // @ts-expect-error the top level
      options.ranker = undefined;
    };
    void writes;
    // a type only: the value is the object given, not a copy or a frozen one
    expect(Object.isFrozen(options)).toBe(false);
  });
});
