// A registry of bundle parts: the parts a composition root collected plus everything they depend
// on, checked once (unique names and paths, no cycles) and kept in dependency order.
import { BundleError } from '../storage/errors';
import { bundlePathSchema } from '../storage/manifest';
import type { AnyPart, PartFile } from './define';

export type DependencyKind = 'build' | 'open';

export interface PartDescription {
  name: string;
  description: string;
  optional: boolean;
  files: PartFile[];
  dependsOn: string[];
  openDependsOn: string[];
  options: Record<string, unknown>;
}

export interface PartRegistry {
  /** every part, dependencies before dependents */
  readonly parts: readonly AnyPart[];
  has(name: string): boolean;
  /** the part with this name; throws naming the registered ones */
  get(name: string): AnyPart;
  /** the parts named plus what they need to build or to open, in dependency order */
  closure(names: readonly string[], kind: DependencyKind): AnyPart[];
  /** the part a bundle path belongs to */
  partOfPath(path: string): AnyPart | undefined;
  describe(): PartDescription[];
}

function dependenciesOf(part: AnyPart, kind: DependencyKind): readonly AnyPart[] {
  return kind === 'build' ? part.dependsOn : part.openDependsOn;
}

/**
 * Collects parts (and, transitively, every part they build or open from) into a registry.
 * Throws when two different parts share a name or a path, or dependencies form a cycle.
 */
export function createPartRegistry(parts: readonly AnyPart[]): PartRegistry {
  const byName = new Map<string, AnyPart>();
  const ordered: AnyPart[] = [];
  const visiting = new Set<string>();

  const visit = (part: AnyPart, trail: readonly string[]): void => {
    const known = byName.get(part.name);
    if (known) {
      if (known !== part) throw new BundleError('BUNDLE_INPUT_INVALID', `two different parts are named "${part.name}"; part names are unique in a registry`);
      return;
    }
    if (visiting.has(part.name)) {
      throw new BundleError('BUNDLE_INPUT_INVALID', `bundle parts depend on each other in a cycle: ${[...trail, part.name].join(' → ')}`);
    }
    visiting.add(part.name);
    for (const dependency of [...part.dependsOn, ...part.openDependsOn]) visit(dependency, [...trail, part.name]);
    visiting.delete(part.name);
    byName.set(part.name, part);
    ordered.push(part);
  };
  for (const part of parts) visit(part, []);

  const byPath = new Map<string, AnyPart>();
  for (const part of ordered) {
    for (const file of Object.values<PartFile>(part.files)) {
      const checked = bundlePathSchema.safeParse(file.path);
      if (!checked.success) throw new BundleError('BUNDLE_INPUT_INVALID', `part "${part.name}": invalid bundle path "${file.path}": ${checked.error.issues[0]?.message}`);
      const owner = byPath.get(file.path);
      if (owner) throw new BundleError('BUNDLE_INPUT_INVALID', `bundle path "${file.path}" is claimed by two parts: "${owner.name}" and "${part.name}"`);
      byPath.set(file.path, part);
    }
  }

  const get = (name: string): AnyPart => {
    const part = byName.get(name);
    if (!part) throw new BundleError('BUNDLE_INPUT_INVALID', `no bundle part named "${name}"; registered: ${[...byName.keys()].join(', ')}`);
    return part;
  };

  return {
    parts: ordered,
    has: (name) => byName.has(name),
    get,
    closure(names, kind) {
      const wanted = new Set<string>();
      const add = (part: AnyPart): void => {
        if (wanted.has(part.name)) return;
        wanted.add(part.name);
        for (const dependency of dependenciesOf(part, kind)) add(get(dependency.name));
      };
      for (const name of names) add(get(name));
      return ordered.filter((part) => wanted.has(part.name));
    },
    partOfPath: (path) => byPath.get(path),
    describe: () =>
      ordered.map((part) => ({
        name: part.name,
        description: part.description,
        optional: part.optional,
        files: Object.values<PartFile>(part.files),
        dependsOn: part.dependsOn.map((dependency) => dependency.name),
        openDependsOn: part.openDependsOn.map((dependency) => dependency.name),
        options: { ...part.options },
      })),
  };
}
