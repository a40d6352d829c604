import { describe, expect, it } from 'vitest';
import {
  createBackoff,
  createLogger,
  gatewayRefsOf,
  HorizonError,
  labelSelectorMatcher,
  parseLabelSelector,
  substituteVariables,
} from '../src/index.ts';
import { createNotifier } from '../src/source/notifier.ts';
import { createObjectStore } from '../src/source/store.ts';

const logger = createLogger({ level: 'silent', format: 'json' }, { service: 'test' });

describe('substituteVariables (Flux post-build substitution)', () => {
  const vars = { SECRET_DOMAIN: 'home.example.com', EMPTY: '' };
  it.each([
    ['id.${SECRET_DOMAIN}', 'id.home.example.com'],
    ['${MISSING:=fallback.example}', 'fallback.example'],
    ['${MISSING:-fallback.example}', 'fallback.example'],
    ['${EMPTY:=x}', 'x'],
    ['${EMPTY}', ''],
    ['$${SECRET_DOMAIN}', '${SECRET_DOMAIN}'],
    ['$SECRET_DOMAIN and ${ not a var }', '$SECRET_DOMAIN and ${ not a var }'],
  ])('%s -> %s', (input, output) => {
    expect(substituteVariables(input, vars, 'f.yaml')).toBe(output);
  });
  it('names the variable and the file when there is no value', () => {
    expect(() => substituteVariables('${NOPE}', vars, 'apps/a.yaml')).toThrow(
      /apps\/a\.yaml: \$\{NOPE\} has no value/,
    );
  });
});

describe('parseLabelSelector', () => {
  const labels = { app: 'pdf', tier: 'web' };
  it.each([
    ['', true],
    ['app=pdf', true],
    ['app==pdf', true],
    ['app!=pdf', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app in (id, pdf)', true],
    ['app notin (id, pdf)', false],
    ['app=pdf,tier=db', false],
    ['app in (pdf),tier', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });
  it('refuses a malformed selector', () => {
    expect(() => parseLabelSelector('app===x')).toThrow(/invalid label selector/);
  });
});

describe("labelSelectorMatcher (a listener's allowedRoutes.namespaces.selector)", () => {
  const labels = { 'kubernetes.io/metadata.name': 'home', dns: 'yes', tier: 'web' };
  it.each([
    [{}, true],
    [{ matchLabels: { dns: 'yes' } }, true],
    [{ matchLabels: { dns: 'no' } }, false],
    [{ matchLabels: { missing: '' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'dns', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'dns', operator: 'DoesNotExist' }] }, false],
    [
      { matchLabels: { dns: 'yes' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
      false,
    ],
  ])('%j matches: %s', (selector, expected) => {
    expect(labelSelectorMatcher(selector)(labels)).toBe(expected);
  });
  it('matches nothing when missing, or with what the API server refuses', () => {
    expect(labelSelectorMatcher(undefined)(labels)).toBe(false);
    expect(labelSelectorMatcher({ matchExpressions: [{ key: 'dns', operator: 'Equals' }] })(labels)).toBe(
      false,
    );
    expect(
      labelSelectorMatcher({ matchExpressions: [{ key: 'dns', operator: 'In', values: [] }] })(labels),
    ).toBe(false);
    expect(labelSelectorMatcher({ matchLabels: { dns: 'yes' } })(undefined)).toBe(false);
  });
});

describe('createBackoff', () => {
  it('grows exponentially with jitter between half and all of the cap, up to the maximum, and resets', () => {
    const low = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect([low.next(), low.next(), low.next(), low.next(), low.next()]).toEqual([50, 100, 200, 400, 500]);
    const high = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect([high.next(), high.next(), high.next(), high.next(), high.next()]).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    high.reset();
    expect(high.attempts).toBe(0);
    expect(high.next()).toBe(100);
    expect(() => createBackoff({ initialMs: 0 })).toThrow(RangeError);
  });
});

describe('object store', () => {
  const obj = (name: string, rv?: string, host = 'a') => ({
    metadata: { name, namespace: 'ns', ...(rv ? { resourceVersion: rv } : {}) },
    spec: { host },
  });
  it('counts adds, updates and deletes; the same resourceVersion or content is no change', () => {
    const store = createObjectStore();
    expect(store.upsert(obj('a', '1'))).toEqual({ added: 1, updated: 0, deleted: 0 });
    expect(store.upsert(obj('a', '1'))).toEqual({ added: 0, updated: 0, deleted: 0 });
    expect(store.upsert(obj('a', '2'))).toEqual({ added: 0, updated: 1, deleted: 0 });
    expect(store.upsert(obj('b'))).toEqual({ added: 1, updated: 0, deleted: 0 });
    expect(store.upsert(obj('b'))).toEqual({ added: 0, updated: 0, deleted: 0 });
    expect(store.upsert(obj('b', undefined, 'other'))).toEqual({ added: 0, updated: 1, deleted: 0 });
    expect(store.replace([obj('a', '2'), obj('c', '3')])).toEqual({ added: 1, updated: 0, deleted: 1 });
    expect(
      store
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(store.remove(obj('a'))).toEqual({ added: 0, updated: 0, deleted: 1 });
    expect(store.remove(obj('a'))).toEqual({ added: 0, updated: 0, deleted: 0 });
  });
});

describe('notifier', () => {
  it('coalesces a burst into one call, and bounds the wait under a continuous stream', async () => {
    let produced = 0;
    const n = createNotifier({ debounceMs: 30, maxWaitMs: 60, produce: () => ++produced, logger });
    const seen: number[] = [];
    n.subscribe((v) => seen.push(v));
    for (let i = 0; i < 100; i += 1) n.schedule();
    await new Promise((r) => setTimeout(r, 80));
    expect(seen).toEqual([1]);
    // A change every 10 ms for 200 ms: never 30 ms quiet, yet it fires at least every 60 ms.
    const stream = setInterval(() => n.schedule(), 10);
    await new Promise((r) => setTimeout(r, 200));
    clearInterval(stream);
    n.cancel();
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});

describe('gatewayRefsOf', () => {
  it('applies Gateway API defaults: group, kind, and the route namespace', () => {
    const refs = gatewayRefsOf({
      metadata: { name: 'r', namespace: 'home' },
      spec: {
        parentRefs: [
          { name: 'internal', namespace: 'network', sectionName: 'https' },
          { name: 'local' },
          { name: 'svc', kind: 'Service', group: '' },
          { name: 'gw', group: 'gateway.networking.k8s.io', kind: 'Gateway', port: 443 },
        ],
      },
    });
    expect(refs).toEqual([
      { gateway: 'network/internal', sectionName: 'https', port: undefined },
      { gateway: 'home/local', sectionName: undefined, port: undefined },
      { gateway: 'home/gw', sectionName: undefined, port: 443 },
    ]);
  });
});

describe('HorizonError', () => {
  it('carries a code and a cause', () => {
    const cause = new Error('root');
    const err = new HorizonError('E_KUBE_LIST', 'list failed', { cause });
    expect(err.code).toBe('E_KUBE_LIST');
    expect(err.cause).toBe(cause);
  });
});
