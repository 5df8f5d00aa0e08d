import { describe, expect, it } from 'vitest';
import { createApiKeyVerifier, presentedApiKey } from './auth';

const keyA = 'alpha-key-0123456789';
const keyB = 'bravo-key-0123456789';

describe('createApiKeyVerifier', () => {
  const verifier = createApiKeyVerifier([keyA, keyB]);

  it('accepts configured keys as a Bearer token or X-API-Key', () => {
    expect(verifier.verify({ authorization: `Bearer ${keyA}` })).toMatchObject({ presented: true, valid: true });
    expect(verifier.verify({ 'x-api-key': keyB })).toMatchObject({ presented: true, valid: true });
  });

  it('refuses wrong, truncated and extended keys, and reports when none is sent', () => {
    expect(verifier.verify({ authorization: 'Bearer nope' })).toEqual({ presented: true, valid: false });
    expect(verifier.verify({ 'x-api-key': keyA.slice(0, -1) })).toEqual({ presented: true, valid: false });
    expect(verifier.verify({ 'x-api-key': `${keyA}x` })).toEqual({ presented: true, valid: false });
    expect(verifier.verify({ authorization: `Basic ${keyA}` })).toEqual({ presented: false, valid: false });
    expect(verifier.verify({})).toEqual({ presented: false, valid: false });
  });

  it('gives each key a stable id that does not reveal it', () => {
    const first = verifier.verify({ 'x-api-key': keyA }).keyId;
    expect(first).toMatch(/^key:[0-9a-f]{12}$/);
    expect(verifier.verify({ authorization: `bearer ${keyA}` }).keyId).toBe(first);
    expect(verifier.verify({ 'x-api-key': keyB }).keyId).not.toBe(first);
    expect(first).not.toContain('alpha');
  });

  it('is disabled without keys', () => {
    expect(createApiKeyVerifier([]).enabled).toBe(false);
    expect(verifier.enabled).toBe(true);
  });

  it('prefers the Authorization header', () => {
    expect(presentedApiKey({ authorization: 'Bearer one', 'x-api-key': 'two' })).toBe('one');
  });
});
