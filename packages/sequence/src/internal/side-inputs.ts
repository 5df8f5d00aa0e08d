// Side inputs (album, artist, … of each item) as a re-parameterisation of the item tables during
// training: the engine's item embedding row i holds E[i] + Σ_g S_g[group_g(i)] (and, untied, the
// output row O[j] + Σ_g T_g[group_g(j)]), so "another track of this artist / album" is learned
// once per group and generalises to pairs never seen. The engine's own Adam updates the row as
// E's (the row's gradient is E's); each group table gets its gradient summed over its items and
// its own Adam step, and its change is added to its items' rows. The trained rows are ordinary
// item / output embeddings: the model file, the forward pass and serving do not change.
import type { TransitionGroup } from '../transitions';
import type { EngineHost } from './host';

/** One table per (side: input item rows, or output rows) × group level. */
interface GroupTable {
  level: number;
  /** float offset of the item / output tensor in the parameter vector */
  tensor: number;
  groups: number;
  values: Float32Array;
  m: Float32Array;
  v: Float32Array;
  gradient: Float32Array;
}

export class SideInputs {
  readonly tables: GroupTable[];

  constructor(
    readonly levels: readonly TransitionGroup[],
    private readonly dim: number,
    numItems: number,
    tensors: { item: number; output?: number },
  ) {
    const count = levels.map((level) => {
      if (level.of.length !== numItems) throw new RangeError(`side input "${level.name}": expected one group per item (${numItems}), got ${level.of.length}`);
      let groups = 0;
      for (let i = 0; i < numItems; i++) {
        const g = level.of[i]!;
        if (!Number.isInteger(g) || g < -1) throw new RangeError(`side input "${level.name}": group ${g} of item ${i} is not an integer ≥ −1`);
        groups = Math.max(groups, g + 1);
      }
      return groups;
    });
    const sides = tensors.output === undefined ? [tensors.item] : [tensors.item, tensors.output];
    this.tables = sides.flatMap((tensor) =>
      levels.map((_, level) => {
        const size = count[level]! * dim;
        return { level, tensor, groups: count[level]!, values: new Float32Array(size), m: new Float32Array(size), v: new Float32Array(size), gradient: new Float32Array(size) };
      }),
    );
  }

  /** Each table's gradient: the sum over its items' rows of every thread's gradient (read before the engine's Adam step sums them in place). */
  accumulate(host: EngineHost, threads: number): void {
    const { dim } = this;
    for (const table of this.tables) {
      const { gradient, tensor } = table;
      const of = this.levels[table.level]!.of;
      gradient.fill(0);
      for (let t = 0; t < threads; t++) {
        const g = host.gradients(t);
        eachGroupRow(of, tensor, dim, (row, out) => {
          for (let c = 0; c < dim; c++) gradient[out + c]! += g[row + c]!;
        });
      }
    }
  }

  /** Adam on every table (the engine's bias correction and rate), then each table's change added to its items' rows of `parameters`. */
  update(parameters: Float32Array, step: number, learningRate: number, beta1: number, beta2: number, epsilon: number): void {
    const { dim } = this;
    const stepSize = learningRate / (1 - beta1 ** step);
    const invSqrt = 1 / Math.sqrt(1 - beta2 ** step);
    for (const table of this.tables) {
      const { values, m, v, gradient, tensor } = table;
      // the change per group, kept in `gradient` (no longer needed) to add to the rows
      for (let k = 0; k < values.length; k++) {
        const g = gradient[k]!;
        m[k] = beta1 * m[k]! + (1 - beta1) * g;
        v[k] = beta2 * v[k]! + (1 - beta2) * g * g;
        const delta = (-stepSize * m[k]!) / (Math.sqrt(v[k]!) * invSqrt + epsilon);
        values[k]! += delta;
        gradient[k] = delta;
      }
      eachGroupRow(this.levels[table.level]!.of, tensor, dim, (row, from) => {
        for (let c = 0; c < dim; c++) parameters[row + c]! += gradient[from + c]!;
      });
    }
  }

  /** Tables and Adam moments for a checkpoint (names `side<k>.values|m|v`). */
  save(): Record<string, Float32Array> {
    const arrays: Record<string, Float32Array> = {};
    this.tables.forEach((table, k) => {
      arrays[`side${k}.values`] = table.values;
      arrays[`side${k}.m`] = table.m;
      arrays[`side${k}.v`] = table.v;
    });
    return arrays;
  }

  /** Restores save()'s arrays; a checkpoint without them (or of other sizes) is refused with the reason. */
  load(arrays: Record<string, unknown>, source: string): void {
    this.tables.forEach((table, k) => {
      for (const part of ['values', 'm', 'v'] as const) {
        const array = arrays[`side${k}.${part}`];
        if (!(array instanceof Float32Array) || array.length !== table[part].length) {
          throw new RangeError(`${source}: side input table ${k} ("${this.levels[table.level]!.name}") ${part} has ${array instanceof Float32Array ? array.length : 0} values, expected ${table[part].length} (a checkpoint of a run with other side inputs?)`);
        }
        table[part].set(array);
      }
    });
  }
}

/** Calls fn(item row offset in the parameter vector, its group's row offset in the table) for every item in a group. */
function eachGroupRow(of: Int32Array, tensor: number, dim: number, fn: (row: number, groupRow: number) => void): void {
  for (let i = 0; i < of.length; i++) if (of[i]! >= 0) fn(tensor + i * dim, of[i]! * dim);
}
