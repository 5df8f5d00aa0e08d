import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What a key may do: `write` (events, playlists, feedback) or `export` (bulk exports of listener data). */
export type ApiKeyScope = 'write' | 'export';

export interface ApiKeyMatch {
  /** A key was presented in the request (valid or not). */
  presented: boolean;
  /** The presented key is one of the configured keys. */
  valid: boolean;
  /** A stable, non-secret id of the matched key (`key:` + 12 hex of its sha256), for logs and rate limits. */
  keyId?: string;
  /** What the matched key may do (empty when not valid). */
  scopes?: readonly ApiKeyScope[];
}

export interface ApiKeyVerifier {
  /** False when no keys are configured at all. */
  readonly enabled: boolean;
  /** Whether routes needing `scope` check keys; false means that scope is open (no keys for it). */
  requires(scope: ApiKeyScope): boolean;
  verify(headers: IncomingHttpHeaders): ApiKeyMatch;
}

export interface ApiKeySets {
  /** Keys that may write; they may also export when `exportKeys` is empty. */
  keys: readonly string[];
  /** Keys that may only export; when non-empty, write keys may not export. */
  exportKeys?: readonly string[];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`; undefined when neither is sent. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const header = headers['x-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim() || undefined;
}

/**
 * Checks presented keys against the configured ones in constant time: both sides are hashed
 * to 32 bytes and compared with timingSafeEqual, and every configured key is compared (no
 * early exit), so neither the key's content nor its position leaks through timing.
 */
export function createApiKeyVerifier(sets: ApiKeySets | readonly string[]): ApiKeyVerifier {
  const { keys, exportKeys = [] } = isKeyList(sets) ? { keys: sets } : sets;
  const separateExport = exportKeys.length > 0;
  const writeScopes: readonly ApiKeyScope[] = separateExport ? ['write'] : ['write', 'export'];
  const configured = [
    ...keys.map((key) => ({ hash: digest(key), scopes: writeScopes })),
    ...exportKeys.map((key) => ({ hash: digest(key), scopes: ['export'] as readonly ApiKeyScope[] })),
  ];
  return {
    enabled: configured.length > 0,
    requires: (scope) => (scope === 'write' ? keys.length > 0 : configured.length > 0),
    verify(headers) {
      const candidate = presentedApiKey(headers);
      if (candidate === undefined) return { presented: false, valid: false };
      const candidateHash = digest(candidate);
      let matched: (typeof configured)[number] | undefined;
      for (const key of configured) {
        if (timingSafeEqual(candidateHash, key.hash)) matched = key;
      }
      if (!matched) return { presented: true, valid: false };
      return { presented: true, valid: true, keyId: `key:${matched.hash.toString('hex').slice(0, 12)}`, scopes: matched.scopes };
    },
  };
}

function isKeyList(value: ApiKeySets | readonly string[]): value is readonly string[] {
  return Array.isArray(value);
}
