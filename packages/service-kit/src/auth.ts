import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface ApiKeyMatch {
  /** A key was presented in the request (valid or not). */
  presented: boolean;
  /** The presented key is one of the configured keys. */
  valid: boolean;
  /** A stable, non-secret id of the matched key (`key:` + 12 hex of its sha256), for logs and rate limits. */
  keyId?: string;
}

export interface ApiKeyVerifier {
  /** False when no keys are configured: protected routes are then open. */
  readonly enabled: boolean;
  verify(headers: IncomingHttpHeaders): ApiKeyMatch;
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
export function createApiKeyVerifier(keys: readonly string[]): ApiKeyVerifier {
  const configured = keys.map((key) => ({ hash: digest(key) }));
  return {
    enabled: configured.length > 0,
    verify(headers) {
      const candidate = presentedApiKey(headers);
      if (candidate === undefined) return { presented: false, valid: false };
      const candidateHash = digest(candidate);
      let matched: Buffer | undefined;
      for (const key of configured) {
        if (timingSafeEqual(candidateHash, key.hash)) matched = key.hash;
      }
      if (!matched) return { presented: true, valid: false };
      return { presented: true, valid: true, keyId: `key:${matched.toString('hex').slice(0, 12)}` };
    },
  };
}
