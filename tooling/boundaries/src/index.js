// @ts-check
export { MAPPED_DOCUMENTS, missingDocumentPaths } from './doc-paths.js';
export { createBoundariesPlugin } from './eslint-plugin.js';
export { emittedJavaScript, findCycles, packageGraphProblems } from './package-graph.js';
export { createWorkspace, EXTERNAL_LAYERS, importProblem, isSupportFile, LAYERS, layerOf, layerRank, PACKAGE_LAYERS, packageOfFile, readWorkspace } from './workspace.js';
