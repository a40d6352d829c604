import { describe, expect, it } from 'vitest';
import { createPolicyTable, type PolicyDecision } from '../../src/policy/table.ts';
import { authConfig } from '../auth-config.ts';
import { policy } from '../fixtures.ts';

describe('the policy table', () => {
  const config = authConfig({
    policies: [
      { name: 'pdf', hosts: ['pdf.localhost'], publicPaths: ['/static/*'] },
      { name: 'pdf-admin', hosts: ['pdf.localhost'], pathPrefix: '/admin' },
      { name: 'hooks', hosts: [], publicPaths: ['/hooks/*'] },
    ],
    redirectHosts: ['Home.localhost', '*.apps.localhost'],
  });
  const name = (d: PolicyDecision | { refused: string }) => ('refused' in d ? d.refused : d.policy?.name);

  it('decides by host, path and method: the policy, whether it covers the host, whether it is public', () => {
    const table = createPolicyTable(config);
    expect(table.match('pdf.localhost', '/static/a.css', [], 'GET')).toMatchObject({
      policy: { name: 'pdf' },
      covered: true,
      public: true,
    });
    expect(name(table.match('pdf.localhost', '/admin/x', [], 'GET'))).toBe('pdf-admin');
    expect(table.match('home.localhost', '/', [], 'GET')).toEqual({
      policy: undefined,
      public: false,
      covered: true,
    });
    expect(table.match('x.localhost', '/', [], 'GET')).toEqual({
      policy: undefined,
      public: false,
      covered: false,
    });
  });

  it('refuses a path whose other readings lead to another policy or publicness', () => {
    const table = createPolicyTable(config);
    expect(name(table.match('pdf.localhost', '/Admin/x', [], 'GET'))).toBe('ambiguous-path');
    expect(name(table.match('pdf.localhost', '/static/a.css', ['/static//a.css'], 'GET'))).toBe('pdf');
    // Undecoded, the slash is no slash: an app reading it so would serve it without a session.
    expect(name(table.match('pdf.localhost', '/static/a.css', ['/static%2Fa.css'], 'GET'))).toBe(
      'ambiguous-path',
    );
    expect(name(table.match('pdf.localhost', '/x', ['/admin;x/../x'], 'GET'))).toBe('ambiguous-path');
  });

  it('takes only the named policy when the operator named one; a host-less one then covers every host', () => {
    const table = createPolicyTable(config);
    expect(table.match('any.localhost', '/hooks/a', [], 'POST', 'hooks')).toMatchObject({
      policy: { name: 'hooks' },
      public: true,
      covered: true,
    });
    expect(table.match('pdf.localhost', '/x', [], 'GET', 'pdf-admin')).toEqual({
      policy: undefined,
      public: false,
      covered: false,
    });
    expect(table.match('pdf.localhost', '/x', [], 'GET', 'nope')).toEqual({ refused: 'unknown-policy' });
  });

  it('allows redirects to the hosts policies and redirectHosts name', () => {
    const table = createPolicyTable(config);
    expect(
      ['pdf.localhost', 'home.localhost', 'a.apps.localhost', 'apps.localhost', 'evil.example'].map(
        table.hostAllowed,
      ),
    ).toEqual([true, true, true, false, false]);
  });

  it('swaps route policies in whole, config first at equal specificity', () => {
    const table = createPolicyTable(config);
    table.setRoutePolicies([
      policy('route:a/pdf', { hosts: ['pdf.localhost'] }),
      policy('route:a/new', { hosts: ['new.localhost'] }),
    ]);
    expect(name(table.match('pdf.localhost', '/', [], 'GET'))).toBe('pdf');
    expect(name(table.match('new.localhost', '/', [], 'GET'))).toBe('route:a/new');
    expect(table.hostAllowed('new.localhost')).toBe(true);
    table.setRoutePolicies([]);
    expect(table.all().map((p) => p.name)).toEqual(['pdf', 'pdf-admin', 'hooks']);
    expect(table.hostAllowed('new.localhost')).toBe(false);
  });
});
