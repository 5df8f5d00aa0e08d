/**
 * Errors with stable UPPER_SNAKE codes so callers (CLI, services) can branch on `code`
 * and people get a message that says what, where and what was expected.
 */
export type BundleErrorCode =
  | 'BUNDLE_NOT_FOUND'
  | 'BUNDLE_EXISTS'
  | 'BUNDLE_FILE_MISSING'
  | 'BUNDLE_CHECKSUM_MISMATCH'
  | 'BUNDLE_SIZE_MISMATCH'
  | 'BUNDLE_MANIFEST_INVALID'
  | 'BUNDLE_INPUT_INVALID'
  | 'BUNDLE_PART_INVALID'
  | 'BUNDLE_SIGNATURE_INVALID'
  | 'BUNDLE_SMOKE_FAILED'
  | 'SMOKE_CHECK_UNAVAILABLE'
  | 'STORE_UNREACHABLE'
  | 'STORE_REQUEST_FAILED'
  | 'STORE_REGION_MISSING'
  | 'STORE_CREDENTIALS_MISSING'
  | 'STORE_URI_INVALID';

export class BundleError extends Error {
  readonly code: BundleErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: BundleErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BundleError';
    this.code = code;
    this.details = options.details;
  }
}

/** A BundleError subclass whose instances carry one code and a message with optional details. */
function bundleErrorClass(code: BundleErrorCode, name: string) {
  return class extends BundleError {
    constructor(message: string, details?: Record<string, unknown>) {
      super(code, message, { details });
      this.name = name;
    }
  };
}

/** LATEST is absent, or names a version whose manifest does not exist. */
export const BundleNotFoundError = bundleErrorClass('BUNDLE_NOT_FOUND', 'BundleNotFoundError');
export type BundleNotFoundError = InstanceType<typeof BundleNotFoundError>;

/** publishBundle refuses to overwrite an existing version. */
export const BundleExistsError = bundleErrorClass('BUNDLE_EXISTS', 'BundleExistsError');
export type BundleExistsError = InstanceType<typeof BundleExistsError>;

export const BundleFileMissingError = bundleErrorClass('BUNDLE_FILE_MISSING', 'BundleFileMissingError');
export type BundleFileMissingError = InstanceType<typeof BundleFileMissingError>;

export class ChecksumMismatchError extends BundleError {
  readonly path: string;
  readonly expected: string;
  readonly actual: string;

  constructor(options: { path: string; key: string; expected: string; actual: string }) {
    super(
      'BUNDLE_CHECKSUM_MISMATCH',
      `checksum mismatch for bundle file "${options.path}" (${options.key}): expected sha256 ${options.expected}, got ${options.actual}`,
      { details: { ...options } },
    );
    this.name = 'ChecksumMismatchError';
    this.path = options.path;
    this.expected = options.expected;
    this.actual = options.actual;
  }
}

export class SizeMismatchError extends BundleError {
  constructor(options: { path: string; key: string; expected: number; actual: number }) {
    super(
      'BUNDLE_SIZE_MISMATCH',
      `size mismatch for bundle file "${options.path}" (${options.key}): expected ${options.expected} bytes, got ${options.actual}`,
      { details: { ...options } },
    );
    this.name = 'SizeMismatchError';
  }
}

export const ManifestInvalidError = bundleErrorClass('BUNDLE_MANIFEST_INVALID', 'ManifestInvalidError');
export type ManifestInvalidError = InstanceType<typeof ManifestInvalidError>;

/** The store could not be reached after the bounded retries (network, 5xx, throttling). */
export class StoreUnreachableError extends BundleError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('STORE_UNREACHABLE', message, options);
    this.name = 'StoreUnreachableError';
  }
}

export function isBundleError(error: unknown): error is BundleError {
  return error instanceof BundleError;
}
