import {
  createGatewayApiSource,
  createLogger,
  createMetricsRegistry,
  type GatewayApiSource,
  type HTTPRoute,
} from '@horizon/shared';
import {
  Browser,
  type EnvoyGateway,
  type FakeApiServer,
  gateway,
  HEADERS_TO_BACKEND,
  httpRoute,
  startEnvoyGateway,
  startFakeApiServer,
  waitFor,
  writeKubeconfig,
} from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './helpers.ts';

describe('Envoy Gateway with the default headersToExtAuth (none listed)', () => {
  let stack: Stack;
  const registry = createMetricsRegistry('authproxy');
  beforeAll(async () => {
    stack = await startStack({}, { headersToExtAuth: [] }, { registry });
  });
  afterAll(() => stack.close());

  it('gets a page naming the fix instead of a login loop, and the service counts it', async () => {
    const browser = new Browser();
    const page = await browser.navigate(`${stack.app}/`);
    // What Envoy sent: Host, Content-Length, and nothing the login needs.
    expect(Object.keys(stack.gateway.checks.at(-1)?.headers ?? {}).sort()).toEqual([
      'content-length',
      'host',
    ]);
    expect(page.status).toBe(403);
    expect(page.body).toContain('headersToExtAuth');
    expect(browser.history.some((p) => p.url.startsWith(stack.op.issuer))).toBe(false);
    await browser.navigate(`${stack.app}/again`);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^horizon_authproxy_checks_without_headers_total\{service="authproxy"\} 2$/m);
    expect(metrics).toMatch(
      /^horizon_authproxy_checks_total\{decision="deny",reason="missing-headers",policy="pdf",service="authproxy"\} 2$/m,
    );
  });

  it('still lets a bearer-less API client see a 401 challenge (Authorization is always forwarded)', async () => {
    const res = await new Browser().send('GET', `${stack.app}/api`, {
      headers: { authorization: 'Basic YTpi', accept: 'application/json' },
    });
    expect(stack.gateway.checks.at(-1)?.headers.authorization).toBe('Basic YTpi');
    expect(res.status).toBe(401);
  });
});

describe('policies from HTTPRoute annotations, watched through the fake API server', () => {
  let api: FakeApiServer;
  let source: GatewayApiSource;
  let stack: Stack;
  const route = (annotations: Record<string, string>): HTTPRoute => {
    const r = httpRoute('home', 'wiki', ['wiki.localhost']);
    return { ...r, metadata: { ...r.metadata, annotations } };
  };
  beforeAll(async () => {
    api = await startFakeApiServer();
    api.apply('gateways', gateway('network', 'internal', '127.0.0.1', '*.localhost'));
    api.apply(
      'httproutes',
      route({ 'horizon.io/auth-groups': 'admins', 'horizon.io/auth-public-paths': '/pub/*' }),
    );
    const logger = createLogger({ level: 'silent', format: 'json' }, { service: 'authproxy', isTty: false });
    source = await createGatewayApiSource(
      {
        manifests: '',
        namespace: '',
        labelSelector: '',
        kubeconfig: writeKubeconfig(api),
        context: '',
        watchTimeoutSeconds: 60,
        debounceMs: 10,
      },
      { logger, vars: {} },
    );
    await source.start();
    await waitFor('routes synced', async () => source.synced() || undefined, { timeoutMs: 5000 });
    // The same gateway serves wiki.localhost; the config's policy (pdf.localhost) stays.
    stack = await startStack({ routeAnnotations: true }, { extraHosts: ['wiki.localhost'] }, { source });
  });
  afterAll(async () => {
    await stack?.close();
    await source?.stop();
    await api?.close();
  });
  const pdf = () => stack.app;
  const wiki = () => stack.app.replace('pdf.localhost', 'wiki.localhost');

  it('applies the route policy: admins pass, family does not, its public path needs no login', async () => {
    const listed = (await stack.auth.opsRoutes['/policies']?.(new URL('http://ops/policies'))) as {
      json: unknown;
    };
    expect(listed.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'route:home/wiki', groups: ['admins'] })]),
    );
    const bob = new Browser();
    const denied = await bob.signInAs(await bob.navigate(`${wiki()}/`), 'bob');
    expect(denied.status).toBe(403);
    const alice = new Browser();
    const page = await alice.signInAs(await alice.navigate(`${wiki()}/`), 'alice');
    expect(page.status).toBe(200);
    const pub = await new Browser().send('GET', `${wiki()}/pub/readme.txt`, {
      headers: { accept: 'text/plain' },
    });
    expect(pub.status).toBe(200);
  });

  it('follows the annotations as they change, within a second', async () => {
    api.apply('httproutes', route({ 'horizon.io/auth-groups': 'admins,family' }));
    const bob = new Browser();
    await bob.signInAs(await bob.navigate(`${pdf()}/`), 'bob'); // a session on the wiki host comes next
    const first = await bob.navigate(`${wiki()}/`);
    if (first.url.startsWith(stack.op.issuer)) await bob.signInAs(first, 'bob');
    await waitFor(
      'bob allowed by the new annotation',
      async () => (await bob.navigate(`${wiki()}/`)).status === 200 || undefined,
      { timeoutMs: 1000, intervalMs: 50 },
    );
    // Annotations gone: the route is no policy any more; the host is covered by none (deny by default).
    api.apply('httproutes', route({}));
    await waitFor(
      'wiki without a policy',
      async () => (await new Browser().navigate(`${wiki()}/`)).status === 403 || undefined,
      { timeoutMs: 1000, intervalMs: 50 },
    );
  });
});

describe("named policies (policyPathPrefix): the name is the operator's extAuth path, never the client's", () => {
  const PREFIX = '/_policy-3f9c2a7b1e8d4c60/';
  let stack: Stack;
  const gateways: EnvoyGateway[] = [];
  const via = async (pathPrefix: string | undefined) => {
    const gw = await startEnvoyGateway({
      authUrl: stack.auth.url,
      backendUrl: stack.echo.url,
      headersToBackend: HEADERS_TO_BACKEND,
      ...(pathPrefix === undefined ? {} : { pathPrefix }),
    });
    gateways.push(gw);
    return (path: string) =>
      new Browser().send('GET', `http://hooks.localhost:${gw.port}${path}`, {
        headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
      });
  };
  beforeAll(async () => {
    stack = await startStack({
      policyPathPrefix: PREFIX,
      policies: [
        { name: 'pdf', hosts: ['pdf.localhost'], groups: ['family'] },
        { name: 'hooks', hosts: [], publicPaths: ['/hooks/*'] },
        { name: 'open', hosts: [], publicPaths: ['/*'] },
      ],
    });
  });
  afterAll(async () => {
    for (const gw of gateways) await gw.close();
    await stack?.close();
  });

  it('judges by the named policy; a client writing another name into its path names nothing', async () => {
    const hooks = await via(`${PREFIX}hooks`);
    expect((await hooks('/hooks/build')).status).toBe(200);
    expect((await hooks(`${PREFIX}open/secret`)).status).toBe(401); // hooks' own path <prefix>open/secret
    expect((await hooks('/secret')).status).toBe(401);
    const open = await via(`${PREFIX}open`);
    expect((await open('/anything')).status).toBe(200);
  });

  it('refuses a check without a configured name, or naming no policy, with a page naming the fix', async () => {
    const bare = await via(undefined);
    const page = await bare('/_policy/open/secret'); // what a client could guess names nothing
    expect(page.status).toBe(403);
    expect(page.body).toContain('Gateway misconfigured');
    expect((await (await via(`${PREFIX}nosuch`))('/x')).status).toBe(403);
    // A named policy that lists hosts covers only those.
    expect((await (await via(`${PREFIX}pdf`))('/x')).status).toBe(403);
  });
});
