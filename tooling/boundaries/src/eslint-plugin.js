// @ts-check
// ESLint rules that keep the architecture's boundaries (docs/architecture.md):
//   mixtape/layers              imports respect the layers; no deep imports of another package's
//                               src/, internal/ or dist/; layer-owned third-party modules
//   mixtape/no-relative-escape  no relative import that leaves its own package
//   mixtape/no-process-env      the environment is read only where eslint.config.js allows it
import { dirname, resolve, sep } from 'node:path';
import { importProblem, isSupportFile, packageOfFile } from './workspace.js';

/** @typedef {import('./workspace.js').Workspace} Workspace */
/** @typedef {import('eslint').Rule.RuleModule} RuleModule */
/** @typedef {import('eslint').Rule.RuleContext} RuleContext */
/** @typedef {import('eslint').Rule.RuleListener} RuleListener */

/**
 * Calls `check(specifier, node)` for every module specifier in the file: import/export from,
 * dynamic import() and require() with a literal.
 * @param {(specifier: string, node: any) => void} check
 * @returns {RuleListener}
 */
function onModuleSpecifiers(check) {
  /** @param {any} node */
  const source = (node) => {
    if (node.source && node.source.type === 'Literal' && typeof node.source.value === 'string') check(node.source.value, node.source);
  };
  return {
    ImportDeclaration: source,
    ExportNamedDeclaration: source,
    ExportAllDeclaration: source,
    ImportExpression: source,
    CallExpression(node) {
      const [argument] = node.arguments;
      if (node.callee.type === 'Identifier' && node.callee.name === 'require' && argument?.type === 'Literal' && typeof argument.value === 'string') check(argument.value, argument);
    },
  };
}

/**
 * A rule over the module specifiers of the files that belong to a workspace package.
 * @param {Workspace} workspace
 * @param {RuleModule['meta']} meta
 * @param {(pkg: NonNullable<ReturnType<typeof packageOfFile>>, file: string, context: RuleContext) => (specifier: string, node: any) => void} checkerFor
 * @returns {RuleModule}
 */
function specifierRule(workspace, meta, checkerFor) {
  return {
    meta,
    create(context) {
      const pkg = packageOfFile(workspace, context.filename);
      return pkg ? onModuleSpecifiers(checkerFor(pkg, context.filename, context)) : {};
    },
  };
}

/** @param {Workspace} workspace */
const layersRule = (workspace) =>
  specifierRule(
    workspace,
    { type: 'problem', docs: { description: 'Imports respect the workspace layers and package entry points' }, schema: [], messages: { boundary: '{{problem}}' } },
    (pkg, file, context) => {
      const support = isSupportFile(pkg, file);
      return (specifier, node) => {
        const problem = importProblem(workspace, pkg, support, specifier);
        if (problem) context.report({ node, messageId: 'boundary', data: { problem } });
      };
    },
  );

/** @param {Workspace} workspace */
const relativeEscapeRule = (workspace) =>
  specifierRule(
    workspace,
    { type: 'problem', docs: { description: "Relative imports stay inside their package" }, schema: [], messages: { escape: '"{{specifier}}" leaves {{pkg}}{{into}}: import other packages by name (@mixtape/…) and only what their index exports' } },
    (pkg, file, context) => (specifier, node) => {
      if (!specifier.startsWith('.')) return;
      const target = resolve(dirname(file), specifier);
      if (target === pkg.absoluteDir || target.startsWith(pkg.absoluteDir + sep)) return;
      const other = packageOfFile(workspace, target);
      context.report({ node, messageId: 'escape', data: { specifier, pkg: pkg.dir, into: other ? ` and reaches into ${other.dir}` : '' } });
    },
  );

/** @type {RuleModule} */
const noProcessEnv = {
  meta: {
    type: 'problem',
    docs: { description: 'process.env is read only in app config, CLI command files and tooling' },
    schema: [],
    messages: {
      env: "process.env is read only in an app's src/config.ts, a CLI command file or entry (apps/*/src/commands/*, the package's bin), tooling, tests, benchmarks and config files; take the value as a parameter or from the app's config",
    },
  },
  create(context) {
    /** @param {any} node */
    const isProcess = (node) =>
      (node.type === 'Identifier' && node.name === 'process') ||
      (node.type === 'MemberExpression' && node.object.type === 'Identifier' && node.object.name === 'globalThis' && !node.computed && node.property.type === 'Identifier' && node.property.name === 'process');
    /** @param {any} property @param {boolean} computed */
    const isEnvKey = (property, computed) => (!computed && property.type === 'Identifier' && property.name === 'env') || (property.type === 'Literal' && property.value === 'env');
    return {
      MemberExpression(node) {
        if (isProcess(node.object) && isEnvKey(node.property, node.computed)) context.report({ node, messageId: 'env' });
      },
      VariableDeclarator(node) {
        if (node.id.type !== 'ObjectPattern' || !node.init || !isProcess(node.init)) return;
        for (const property of node.id.properties) if (property.type === 'Property' && isEnvKey(property.key, property.computed)) context.report({ node: property, messageId: 'env' });
      },
      ImportDeclaration(node) {
        if (node.source.value !== 'process' && node.source.value !== 'node:process') return;
        for (const specifier of node.specifiers) {
          if (specifier.type === 'ImportSpecifier' && specifier.imported.type === 'Identifier' && specifier.imported.name === 'env') context.report({ node: specifier, messageId: 'env' });
        }
      },
    };
  },
};

/**
 * The plugin for one workspace (eslint.config.js reads it once per ESLint run).
 * @param {Workspace} workspace
 */
export function createBoundariesPlugin(workspace) {
  return {
    meta: { name: '@mixtape/boundaries' },
    rules: {
      layers: layersRule(workspace),
      'no-relative-escape': relativeEscapeRule(workspace),
      'no-process-env': noProcessEnv,
    },
  };
}
