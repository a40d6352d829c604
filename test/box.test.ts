// The design in a box (networking-architecture.md), on loopback: the fake API server holds the
// design's Gateways and HTTPRoutes (deploy/examples/), Horizon DNS and Horizon auth run as their
// images run them, dnsmasq plays the UDM (the zone forwarded to Horizon, the rest to "public
// DNS", another dnsmasq that also plays Cloudflare for names with no internal route), the dev
// provider plays Pocket-ID, Caddy the gateway asking Horizon auth about every request.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDeployments, type Service, startService } from './box/service.ts';
import {
  accepted,
  Browser,
  DEV_ACCOUNTS,
  type DevProvider,
  designObjects,
  type EchoApp,
  echoed,
  type FakeApiServer,
  freePort,
  httpRoute,
  type RunningProgram,
  scratchDir,
  startCaddy,
  startDevProvider,
  startDnsmasq,
  startEchoApp,
  startFakeApiServer,
  stopAllPrograms,
  waitFor,
  writeKubeconfig,
} from './harness/index.ts';

const ZONE = 'home.localhost'; // ${SECRET_DOMAIN}: under .localhost, so the browser stays on loopback
const INTERNAL = '127.0.3.202'; // stands in for 10.90.3.202
const EXTERNAL = '127.0.3.201'; // stands in for 10.90.3.201
const TAILNET_INTERNAL = '127.0.100.202'; // the internal gateway as tailnet clients reach it
const CLOUDFLARE = '127.0.60.1'; // what public DNS answers for external-only names
const UDM = '127.0.254.1'; // stands in for 10.90.254.1
const LAN_CLIENT = '127.0.1.10';
const TAILNET_CLIENT = '127.0.100.7';
const IDENTITY = [
  'X-Auth-Request-User',
  'X-Auth-Request-Email',
  'X-Auth-Request-Groups',
  'X-Auth-Request-Name',
];

const run = promisify(execFile);
async function ask(server: { host: string; port: number }, name: string, source: string): Promise<string[]> {
  const { stdout } = await run('dig', [
    `@${server.host}`,
    '-p',
    String(server.port),
    '-b',
    source,
    '+time=2',
    '+tries=1',
    '+short',
    name,
  ]);
  return stdout.split('\n').filter((l) => l !== '');
}

describe('the design in a box', () => {
  let api: FakeApiServer;
  let publicDns: RunningProgram;
  let udm: RunningProgram;
  let dns: Service;
  let auth: Service;
  let op: DevProvider;
  let echo: EchoApp;
  let caddy: RunningProgram;
  let dnsPort: number;
  const horizon = () => ({ host: '127.0.0.1', port: dnsPort });
  let app: string;

  beforeAll(async () => {
    api = await startFakeApiServer();
    const { gateways, routes } = designObjects(ZONE, { internal: INTERNAL, external: EXTERNAL });
    for (const g of gateways) api.apply('gateways', g as never);
    for (const r of routes) api.apply('httproutes', r as never);
    publicDns = await startDnsmasq([`address=/pdf.${ZONE}/${CLOUDFLARE}`, 'address=/example.org/127.0.50.1']);
    dnsPort = await freePort();
    const dnsOps = await freePort();
    dns = await startService(
      'dns',
      {
        listen: { addresses: ['127.0.0.1'], port: dnsPort },
        ops: { host: '127.0.0.1', port: dnsOps },
        log: { level: 'info', format: 'json' },
        shutdown: { lameDuckSeconds: 0 },
        zones: [ZONE],
        gateways: [{ ref: 'network/internal' }],
        views: [
          {
            name: 'tailnet',
            cidrs: ['127.0.100.0/24'],
            addresses: { 'network/internal': [TAILNET_INTERNAL] },
          },
        ],
        zoneForwarders: [UDM],
        zoneMiss: { mode: 'forward', upstreams: [`127.0.0.1:${publicDns.port}`] },
        forward: { upstreams: [`127.0.0.1:${publicDns.port}`] },
        acl: { allow: ['127.0.0.0/8'] },
        source: { kubeconfig: writeKubeconfig(api), debounceMs: 20 },
      },
      dnsOps,
    );
    // The UDM: conditional forwarding of the zone to Horizon, everything else to public DNS.
    udm = await startDnsmasq([`server=/${ZONE}/127.0.0.1#${dnsPort}`, `server=127.0.0.1#${publicDns.port}`], {
      host: UDM,
    });

    echo = await startEchoApp();
    const authPort = await freePort();
    const authOps = await freePort();
    caddy = await startCaddy(`http://pdf.${ZONE}:$PORT {
  bind $HOST
  route {
    ${IDENTITY.map((h) => `request_header -${h}`).join('\n    ')}
    forward_auth 127.0.0.1:${authPort} {
      uri /
      copy_headers ${IDENTITY.join(' ')}
    }
    reverse_proxy ${echo.url.replace('http://', '')}
  }
}`);
    app = `http://pdf.${ZONE}:${caddy.port}`;
    op = await startDevProvider({
      clients: [
        { client_id: 'horizon', client_secret: 'box-secret', redirect_uris: [`${app}/oauth2/callback`] },
      ],
      accounts: DEV_ACCOUNTS,
    });
    // The Secret's files, mounted as the Deployment mounts them.
    const secrets = scratchDir('box-secret');
    writeFileSync(join(secrets, 'client-secret'), 'box-secret');
    writeFileSync(join(secrets, 'cookie-keys'), Buffer.alloc(32, 7).toString('base64url'));
    auth = await startService(
      'authproxy',
      {
        listen: { host: '127.0.0.1', port: authPort },
        ops: { host: '127.0.0.1', port: authOps },
        log: { level: 'info', format: 'json' },
        shutdown: { lameDuckSeconds: 0 },
        oidc: { issuer: op.issuer, clientId: 'horizon', allowHttp: true },
        trustedProxies: ['127.0.0.0/8'],
        policies: [{ name: 'pdf', hosts: [`pdf.${ZONE}`], groups: ['family'] }],
      },
      authOps,
      {
        HORIZON_OIDC_CLIENT_SECRET_FILE: join(secrets, 'client-secret'),
        HORIZON_COOKIE_KEYS_FILE: join(secrets, 'cookie-keys'),
      },
    );
  }, 90_000);

  afterAll(async () => {
    await auth?.stop();
    await dns?.stop();
    await stopAllPrograms();
    await echo?.close();
    await op?.close();
    await api?.close();
    removeDeployments();
  });

  it('LAN: id.<zone> through the UDM is the internal gateway (dual-homed route)', async () => {
    expect(await ask(udm, `id.${ZONE}`, LAN_CLIENT)).toEqual([INTERNAL]);
    expect(await ask(udm, `unifi.${ZONE}`, LAN_CLIENT)).toEqual([INTERNAL]);
  });

  it('LAN: pdf.<zone>, external only, follows the public path (Cloudflare), no hairpin', async () => {
    expect(await ask(udm, `pdf.${ZONE}`, LAN_CLIENT)).toEqual([CLOUDFLARE]);
  });

  it('LAN: names outside the zone go from the UDM to public DNS, not through Horizon', async () => {
    expect(await ask(udm, 'example.org', LAN_CLIENT)).toEqual(['127.0.50.1']);
  });

  it('tailnet: split DNS straight to Horizon gives the tailnet view', async () => {
    expect(await ask(horizon(), `id.${ZONE}`, TAILNET_CLIENT)).toEqual([TAILNET_INTERNAL]);
    expect(await ask(horizon(), `id.${ZONE}`, LAN_CLIENT)).toEqual([INTERNAL]);
  });

  it('an HTTPRoute added through the API resolves within 1 s; deleted, it stops', async () => {
    const name = `wiki.${ZONE}`;
    api.apply('httproutes', accepted(httpRoute('home', 'wiki', [name])) as never);
    await waitFor(
      'the new route',
      async () => (await ask(horizon(), name, LAN_CLIENT)).includes(INTERNAL) || undefined,
      {
        timeoutMs: 1000,
        intervalMs: 20,
      },
    );
    expect(await ask(udm, name, LAN_CLIENT)).toEqual([INTERNAL]); // and through the UDM
    api.remove('httproutes', 'home', 'wiki');
    await waitFor(
      'the route gone',
      async () => (await ask(horizon(), name, LAN_CLIENT)).length === 0 || undefined,
      {
        timeoutMs: 1000,
        intervalMs: 20,
      },
    );
  });

  it('a browser reaching the protected app logs in; the app sees who, never a spoofed identity', async () => {
    const browser = new Browser({
      headers: { 'x-auth-request-groups': 'admins', 'x-auth-request-user': 'root' },
    });
    const login = await browser.navigate(`${app}/report`);
    expect(login.url.startsWith(`${op.issuer}/interaction/`)).toBe(true);
    const page = await browser.signInAs(login, 'bob');
    expect(page.status).toBe(200);
    const seen = echoed(page.body);
    expect(seen.url).toBe('/report');
    expect(seen.headers['x-auth-request-user']).toBe('bob');
    expect(seen.headers['x-auth-request-groups']).toBe('family');
    expect(echo.received.some((r) => r.headers['x-auth-request-user'] === 'root')).toBe(false);
    expect(browser.cookie(`pdf.${ZONE}`, '__Host-horizon')).toBeDefined(); // the default, Secure cookie
  });

  it('keeps the user logged in when the auth service restarts mid-session', async () => {
    const browser = new Browser();
    await browser.signInAs(await browser.navigate(`${app}/`), 'alice');
    const atProvider = () => browser.history.filter((p) => p.url.startsWith(op.issuer)).length;
    const before = atProvider();
    await auth.restart();
    const page = await browser.navigate(`${app}/after-restart`);
    expect(page.status).toBe(200);
    expect(echoed(page.body).headers['x-auth-request-user']).toBe('alice');
    expect(atProvider()).toBe(before); // no second login
  });
});
