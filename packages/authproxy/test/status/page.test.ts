import { describe, expect, it } from 'vitest';
import { type AuthStatus, renderAuthStatus } from '../../src/status/page.ts';

const status = (over: Partial<AuthStatus> = {}): AuthStatus => ({
  policies: [
    {
      name: 'pdf',
      source: 'config',
      hosts: ['pdf.home.example.com'],
      pathPrefix: '/',
      who: 'groups family',
      publicPaths: ['/health'],
    },
    { name: 'wiki', source: 'route', hosts: [], pathPrefix: '/', who: 'any signed-in user', publicPaths: [] },
  ],
  provider: { issuer: 'https://id.home.example.com', discovered: true, up: false, checkedSecondsAgo: 12 },
  store: { mode: 'redis', up: true, sessions: '3' },
  denials: [
    {
      at: 1_000_000,
      host: 'pdf.home.example.com',
      path: '/admin',
      policy: 'pdf',
      reason: 'forbidden',
      client: '10.90.0.7',
    },
  ],
  history: { stepSeconds: 10, allow: [5, 6], redirect: [0, 1], deny: [0, 2] },
  ...over,
});

describe('the auth status page', () => {
  it('shows the policies with where they came from, the provider and store, and the last refusals', () => {
    const out = renderAuthStatus(status(), 1_005_000);
    expect(out).toContain('<title>Horizon auth</title>');
    expect(out).toContain('<td>wiki</td><td>a route&#39;s annotation</td><td>(named by the gateway)</td>');
    expect(out).toContain('provider (12 s ago)<b><span class="bad">does not answer</span>');
    expect(out).toContain('<span class="ok">store up</span>');
    expect(out).toContain('active sessions<b>3</b>');
    expect(out).toContain(
      '<td>5 s ago</td><td>pdf.home.example.com</td><td>/admin</td><td>pdf</td><td>forbidden</td>',
    );
    expect(out).toContain('<svg');
  });

  it('escapes what clients wrote (a refused path) and says when nothing is configured', () => {
    const evil = status({
      denials: [
        {
          at: 0,
          host: 'x',
          path: '/<img src=x onerror=alert(1)>',
          policy: '',
          reason: 'no-policy',
          client: '1.2.3.4',
        },
      ],
      policies: [],
      store: { mode: 'cookie' },
    });
    const out = renderAuthStatus(evil, 0);
    expect(out).not.toContain('<img');
    expect(out).toContain('(none)');
    expect(out).toContain('no policies: every check is refused');
    expect(out).toContain('in the cookie');
  });
});
