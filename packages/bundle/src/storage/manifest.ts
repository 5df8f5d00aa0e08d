import { z } from 'zod';
import { ManifestInvalidError } from './errors';

/** Current manifest schema version. Readers accept this one; bump it on breaking changes. */
export const MANIFEST_SCHEMA_VERSION = 1;

/** Roles used by Mixtape's own pipeline; any other non-empty string is allowed too. */
export const BUNDLE_ROLES = ['catalog', 'vectors', 'index', 'model', 'metadata', 'other'] as const;
export type KnownBundleRole = (typeof BUNDLE_ROLES)[number];

const versionPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const sha256Pattern = /^[0-9a-f]{64}$/;

export const bundleVersionSchema = z
  .string()
  .regex(versionPattern, 'a version is 1-128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit');

/** A path inside the bundle: relative, "/"-separated, no "..", no empty segments. */
export const bundlePathSchema = z
  .string()
  .min(1)
  .max(512)
  .refine(
    (path) =>
      !path.startsWith('/') &&
      !path.includes('\\') &&
      path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..'),
    'a bundle path is relative and "/"-separated, without empty, "." or ".." segments',
  )
  .refine((path) => path !== 'manifest.json', '"manifest.json" is reserved for the manifest itself');

/** What a vector index file contains, so a service can check it before deserializing. */
export const indexInfoSchema = z.looseObject({
  dim: z.int().positive(),
  metric: z.string().min(1),
  factory: z.string().min(1),
  count: z.int().nonnegative(),
});
export type IndexInfo = z.infer<typeof indexInfoSchema>;

export const manifestFileSchema = z.looseObject({
  path: bundlePathSchema,
  size: z.int().nonnegative(),
  sha256: z.string().regex(sha256Pattern, 'sha256 is 64 lowercase hex characters'),
  role: z.string().min(1),
  contentType: z.string().min(1).default('application/octet-stream'),
  index: indexInfoSchema.optional(),
  /** the registered part (definePart) the file belongs to */
  part: z.string().min(1).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const bundleManifestSchema = z
  .looseObject({
    schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
    version: bundleVersionSchema,
    createdAt: z.iso.datetime({ offset: true }),
    producer: z.string().min(1),
    files: z.array(manifestFileSchema),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((manifest, context) => {
    const seen = new Set<string>();
    manifest.files.forEach((file, index) => {
      if (seen.has(file.path)) {
        context.addIssue({ code: 'custom', path: ['files', index, 'path'], message: `duplicate file path "${file.path}"` });
      }
      seen.add(file.path);
    });
  });
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

/**
 * Parses and validates manifest JSON. Errors name the source and every bad field, e.g.
 * `files.2.sha256: sha256 is 64 lowercase hex characters`.
 */
export function parseManifest(json: string | unknown, source = 'manifest.json'): BundleManifest {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new ManifestInvalidError(`${source} is not valid JSON: ${(error as Error).message}`, { source });
    }
  }
  const result = bundleManifestSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ManifestInvalidError(`${source} is not a valid bundle manifest:\n  ${problems.join('\n  ')}`, {
      source,
      problems,
    });
  }
  return result.data;
}

export function serializeManifest(manifest: BundleManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function isValidBundleVersion(version: string): boolean {
  return versionPattern.test(version);
}
