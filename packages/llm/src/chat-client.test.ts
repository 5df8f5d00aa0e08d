import { describe, expect, it } from 'vitest';
import { createOpenAiCompatibleClient, parseRetryAfter } from './chat-client';

describe('chat client', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('rejects a base URL or model that cannot work, saying what was expected', () => {
    expect(() => createOpenAiCompatibleClient({ baseUrl: 'localhost:8000', model: 'm' })).toThrow(/baseUrl must be an http\(s\) URL/);
    expect(() => createOpenAiCompatibleClient({ baseUrl: 'http://localhost:8000/v1', model: '' })).toThrow(/model/);
  });
});
