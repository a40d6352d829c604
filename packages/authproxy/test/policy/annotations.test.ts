import type { GatewayApiSnapshot, GatewayApiSource, HTTPRoute } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import {
  ANNOTATION,
  followRoutePolicies,
  policiesFromSnapshot,
  policyOfRoute,
} from '../../src/policy/annotations.ts';
import { createPolicyTable } from '../../src/policy/table.ts';
import { authConfig } from '../auth-config.ts';

const route = (
  name: string,
  annotations: Record<string, string>,
  hostnames = [`${name}.localhost`],
): HTTPRoute => ({
  metadata: { name, namespace: 'apps', annotations },
  spec: { hostnames },
});

describe('policies from HTTPRoute annotations', () => {
  it('makes a policy of an annotated route: its hostnames, the lists trimmed, methods upper-cased', () => {
    const p = policyOfRoute(
      route('pdf', {
        [ANNOTATION.groups]: 'admins, family ,',
        [ANNOTATION.publicPaths]: '/static/*',
        [ANNOTATION.publicMethods]: 'options',
      }),
    );
    expect(p).toMatchObject({
      name: 'route:apps/pdf',
      source: 'route',
      hosts: ['pdf.localhost'],
      pathPrefix: '/',
    });
    expect([[...(p?.groups ?? [])], [...(p?.publicMethods ?? [])], p?.publicPath('/static/a')]).toEqual([
      ['admins', 'family'],
      ['OPTIONS'],
      true,
    ]);
  });

  it('takes horizon.io/auth alone as any signed-in user, and skips routes without annotations or hostnames', () => {
    expect(policyOfRoute(route('a', { [ANNOTATION.required]: 'true' }))?.groups.size).toBe(0);
    expect(policyOfRoute(route('b', { 'other.io/x': 'y' }))).toBeUndefined();
    expect(policyOfRoute(route('c', { [ANNOTATION.required]: 'true' }, []))).toBeUndefined();
  });

  it('lists the policies of a snapshot in a stable order, and follows its changes', () => {
    const snapshot = (routes: HTTPRoute[]) =>
      ({ gateways: [], httpRoutes: routes }) as unknown as GatewayApiSnapshot;
    const first = snapshot([
      route('z', { [ANNOTATION.required]: 'true' }),
      route('a', { [ANNOTATION.users]: 'bob' }),
    ]);
    expect(policiesFromSnapshot(first).map((p) => p.name)).toEqual(['route:apps/a', 'route:apps/z']);
    let listener: (s: GatewayApiSnapshot) => void = () => undefined;
    let unsubscribed = false;
    const source = {
      snapshot: () => first,
      onChange: (l: (s: GatewayApiSnapshot) => void) => {
        listener = l;
        return () => {
          unsubscribed = true;
        };
      },
    } as unknown as GatewayApiSource;
    const table = createPolicyTable(authConfig({ policies: [] }));
    const unsubscribe = followRoutePolicies(table, source);
    expect(table.all().map((p) => p.name)).toEqual(['route:apps/a', 'route:apps/z']);
    listener(snapshot([]));
    expect(table.all()).toEqual([]);
    unsubscribe();
    expect(unsubscribed).toBe(true);
  });
});
