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

/** LATEST is absent, or names a version whose manifest does not exist. */
export class BundleNotFoundError extends BundleError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BUNDLE_NOT_FOUND', message, { details });
    this.name = 'BundleNotFoundError';
  }
}

/** publishBundle refuses to overwrite an existing version. */
export class BundleExistsError extends BundleError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BUNDLE_EXISTS', message, { details });
    this.name = 'BundleExistsError';
  }
}

export class BundleFileMissingError extends BundleError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BUNDLE_FILE_MISSING', message, { details });
    this.name = 'BundleFileMissingError';
  }
}

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

export class ManifestInvalidError extends BundleError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BUNDLE_MANIFEST_INVALID', message, { details });
    this.name = 'ManifestInvalidError';
  }
}

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
