import { describe, expect, it } from 'vitest';
import { callbackErrorPage, KNOWN_CALLBACK_ERRORS } from '../../src/reply/callback-errors.ts';

describe('callback error pages', () => {
  it('shows a fixed text per code, never a 5xx (Envoy would answer its own bare 403)', () => {
    for (const code of KNOWN_CALLBACK_ERRORS) {
      const page = callbackErrorPage(code);
      expect(page.status, code).toBeLessThan(500);
      expect(page.reason).toBe('callback-refused');
    }
    expect([callbackErrorPage('access_denied').status, callbackErrorPage('server_error').status]).toEqual([
      403, 424,
    ]);
  });

  it('treats an unknown code, or a name on Object.prototype, as "other", and never shows it', () => {
    const other = callbackErrorPage('<b>call 555</b>');
    expect([other.status, other.body.includes('555')]).toEqual([400, false]);
    expect(callbackErrorPage('constructor').body).toBe(other.body);
    expect(KNOWN_CALLBACK_ERRORS.has('constructor')).toBe(false);
  });
});
