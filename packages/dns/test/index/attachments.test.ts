import type { HTTPRoute } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { attachments as attachmentsOf } from '../../src/index/attachments.ts';
import { createProblems } from '../../src/index/limits.ts';
import { gw, https, route } from './fixtures.ts';

/** Attachments of HTTPRoutes, every namespace existing with no labels. */
const attachments = (
  gateways: Parameters<typeof attachmentsOf>[0],
  routes: HTTPRoute[],
  o: { gateways: string[]; ignoreStatus: boolean },
) =>
  attachmentsOf(
    gateways,
    routes.map((route) => ({ kind: 'HTTPRoute' as const, route })),
    { ...o, namespaceLabels: () => ({}), problems: createProblems() },
  );

describe('attachments', () => {
  const opts = { gateways: ['network/internal'], ignoreStatus: false };
  it('needs the selected Gateway, Accepted=True for it, and defaults parentRef namespace to the route', () => {
    const g = [gw('internal', [https()]), gw('external', [https()])];
    const routes = [
      route('ok', ['ok.example.com']),
      route('rejected', ['no.example.com'], undefined, false),
      route('external', ['ext.example.com'], { name: 'external', namespace: 'network' }),
      route('same-ns', ['ns.example.com'], { name: 'internal' }, true, 'network'),
      route('wrong-ns', ['wrong.example.com'], { name: 'internal' }, true, 'home'),
    ];
    expect(
      attachments(g, routes, opts)
        .map((a) => a.hostname)
        .sort(),
    ).toEqual(['ns.example.com', 'ok.example.com']);
    expect(attachments(g, [{ ...route('nostatus', ['s.example.com']), status: {} }], opts)).toEqual([]);
    expect(
      attachments(g, [{ ...route('nostatus', ['s.example.com']), status: {} }], {
        ...opts,
        ignoreStatus: true,
      }),
    ).toHaveLength(1);
  });
  it('says why a route on a selected Gateway serves nothing: not Accepted (with the reason), or no listener admits it', () => {
    const problems = createProblems();
    const rejected = route('rejected', ['no.example.com'], undefined, false);
    const g = [gw('internal', [{ ...https(), allowedRoutes: { namespaces: { from: 'Same' } } }])];
    attachmentsOf(
      g,
      [rejected, route('elsewhere', ['else.example.com'])].map((r) => ({
        kind: 'HTTPRoute' as const,
        route: r,
      })),
      { ...opts, namespaceLabels: () => ({}), problems },
    );
    expect(problems.list.map((p) => `${p.owner}: ${p.problem}`)).toEqual([
      'HTTPRoute home/rejected: not Accepted by network/internal (False): its names are not served',
      'HTTPRoute home/elsewhere: no listener of network/internal admits it (sectionName, port, allowedRoutes): its names are not served',
    ]);
  });
  it('picks listeners by sectionName and port, intersects hostnames, and honours allowedRoutes', () => {
    const g = [
      gw('internal', [
        https('*.a.example.com'),
        { ...https('*.b.example.com'), name: 'other', port: 8443 },
        { name: 'tcp', port: 22, protocol: 'TCP', hostname: '*.a.example.com' },
        {
          ...https('*.same.example.com'),
          name: 'same',
          port: 9443,
          allowedRoutes: { namespaces: { from: 'Same' } },
        },
        {
          ...https('*.kinds.example.com'),
          name: 'kinds',
          port: 9444,
          allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }] },
        },
      ]),
    ];
    const names = (r: HTTPRoute) =>
      attachments(g, [r], { ...opts, ignoreStatus: true })
        .map((a) => a.hostname)
        .sort();
    expect(
      names(route('r', ['x.a.example.com', 'x.b.example.com', 'x.same.example.com', 'x.kinds.example.com'])),
    ).toEqual(['x.a.example.com', 'x.b.example.com']);
    expect(
      names(
        route('r', ['x.a.example.com', 'x.b.example.com'], {
          name: 'internal',
          namespace: 'network',
          sectionName: 'other',
        }),
      ),
    ).toEqual(['x.b.example.com']);
    expect(
      names(
        route('r', ['x.a.example.com', 'x.b.example.com'], {
          name: 'internal',
          namespace: 'network',
          port: 443,
        }),
      ),
    ).toEqual(['x.a.example.com']);
    expect(names(route('r', [], { name: 'internal', namespace: 'network', sectionName: 'https' }))).toEqual([
      '*.a.example.com',
    ]);
    expect(names(route('r', ['x.same.example.com'], { name: 'internal' }, true, 'network'))).toEqual([
      'x.same.example.com',
    ]);
  });
  it('puts a Gateway and a route that name no namespace in the same one, as the parentRef does', () => {
    const g = gw('internal', [{ ...https(), allowedRoutes: { namespaces: { from: 'Same' as const } } }]);
    delete g.metadata.namespace;
    const r = route('plain', ['plain.example.com'], { name: 'internal' });
    delete r.metadata.namespace;
    const found = attachments([g], [r], { gateways: ['default/internal'], ignoreStatus: true });
    expect(found).toEqual([
      { hostname: 'plain.example.com', gateway: 'default/internal', route: 'HTTPRoute default/plain' },
    ]);
  });
});
