// @ts-check
// Documents that point newcomers at files (docs/architecture.md, SECURITY.md) stay true: every
// repository path they name in `code` or as a relative link must exist. Run with the package
// check, so moving a file without updating the map fails `pnpm lint`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The documents checked, relative to the repository root. */
export const MAPPED_DOCUMENTS = ['docs/architecture.md', 'SECURITY.md'];

const CODE_PATH = /`((?:apps|packages|tooling|docs|deploy|patches|\.ci)\/[^`\s*{}<>…]+?)`/g;
const LINK = /\]\(([^)\s#]+)(?:#[^)]*)?\)/g;

/**
 * Repository paths a document names that do not exist, as "document: path" lines.
 * @param {string} root
 * @param {string} document relative to root
 * @returns {string[]}
 */
export function missingDocumentPaths(root, document) {
  const file = join(root, document);
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const missing = new Set();
  for (const match of text.matchAll(CODE_PATH)) {
    const path = (match[1] ?? '').replace(/[.,;:]+$/, '');
    if (!existsSync(join(root, path))) missing.add(path);
  }
  for (const match of text.matchAll(LINK)) {
    const target = match[1] ?? '';
    if (/^[a-z]+:/i.test(target)) continue; // http:, mailto:
    if (!existsSync(resolve(dirname(file), target))) missing.add(target);
  }
  return [...missing].map((path) => `${document} names ${path}, which does not exist: update the document`);
}
