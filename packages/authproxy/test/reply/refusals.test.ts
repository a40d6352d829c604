import { describe, expect, it } from 'vitest';
import { refusalPage } from '../../src/reply/refusals.ts';

describe('refusal pages', () => {
  it.each([
    ['untrusted-proxy', 403],
    ['bad-host', 400],
    ['identity-header', 400],
    ['no-policy-prefix', 403],
    ['unknown-policy', 403],
    ['missing-headers', 403],
    ['encoded-slash', 400],
    ['ambiguous-path', 400],
  ] as const)('%s is a %i page giving its reason', (refused, status) => {
    const page = refusalPage(refused);
    expect([page.status, page.reason]).toEqual([status, refused]);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});
