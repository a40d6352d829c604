import {
  applyAllow,
  checkHeaders,
  type EchoApp,
  EXT_AUTH_HEADERS,
  HEADERS_TO_BACKEND,
  rawRequest,
  routeOf,
  startEchoApp,
} from '@horizon/test/harness';
import { type AppName, CREDENTIAL_HEADERS, type Front, type FrontName, type Received } from './fronts.ts';
import type { Site } from './recipes.ts';

/**
 * The pieces of the fronts (fronts.ts): the apps behind them, the sites that route to them,
 * and the `checks` front, which does Envoy's part itself and asks the service directly.
 */
export const SITES = (apps: Record<AppName, EchoApp>): Site[] => {
  const at = (app: AppName) => `127.0.0.1:${apps[app].port}`;
  return [
    {
      host: 'pdf.localhost',
      routes: [
        { prefix: '/admin/', upstream: at('admin') },
        { prefix: '/', upstream: at('main') },
      ],
    },
    { host: 'strict.localhost', routes: [{ prefix: '/', upstream: at('admin') }] },
    { host: 'lenient.localhost', routes: [{ prefix: '/', upstream: at('lenient') }] },
    { host: 'nopolicy.localhost', routes: [{ prefix: '/', upstream: at('nopolicy') }] },
    { host: 'lan.localhost', routes: [{ prefix: '/', upstream: at('lan') }] },
    { host: 'files.localhost', routes: [{ prefix: '/', upstream: at('files') }] },
    {
      host: 'arr.localhost',
      routes: [{ prefix: '/', upstream: at('arr') }],
      credentials: CREDENTIAL_HEADERS,
    },
    { host: 'tokens.localhost', routes: [{ prefix: '/', upstream: at('tokens') }] },
  ];
};

export const routesOf = (sites: Site[]) =>
  sites.flatMap((s) =>
    s.routes.map((r) => ({ host: s.host, prefix: r.prefix, backendUrl: `http://${r.upstream}` })),
  );

export async function startApps(): Promise<Record<AppName, EchoApp>> {
  return {
    main: await startEchoApp(),
    admin: await startEchoApp(),
    lenient: await startEchoApp(),
    nopolicy: await startEchoApp(),
    lan: await startEchoApp(),
    files: await startEchoApp(),
    arr: await startEchoApp(),
    tokens: await startEchoApp(),
  };
}

const receivedBy = (apps: Record<AppName, EchoApp>) => (): Received[] =>
  (Object.keys(apps) as AppName[]).flatMap((app) => apps[app].received.map((r) => ({ app, ...r })));

/** The `checks` front: Envoy's part done here, the service asked directly. */
export function checksFront(authPort: number, apps: Record<AppName, EchoApp>): Front {
  const received: Received[] = [];
  const routes = routesOf(SITES(apps));
  return {
    name: 'checks',
    port: authPort,
    received: () => received,
    async send(r) {
      const headers: Record<string, string> = {};
      for (const [name, v] of r.headers) {
        const k = name.toLowerCase();
        // Envoy Gateway refuses header names with `_` (headersWithUnderscoresAction) at the codec.
        if (k.includes('_')) return { status: 400, headers: {}, body: '' };
        headers[k] = headers[k] === undefined ? v : `${headers[k]}${k === 'cookie' ? '; ' : ', '}${v}`;
      }
      const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(r.target);
      const host = absolute ? (absolute[1] as string) : (headers.host ?? '');
      const target = absolute ? (absolute[2] as string) || '/' : r.target;
      // Envoy appends the address the connection came from to whatever the client wrote.
      const peer = r.from ?? '127.0.0.1';
      const forwarded = headers['x-forwarded-for'];
      Object.assign(headers, {
        host,
        'x-forwarded-proto': 'http',
        'x-forwarded-for': forwarded ? `${forwarded}, ${peer}` : peer,
        'x-request-id': 'r',
      });
      const check = checkHeaders(headers, host, EXT_AUTH_HEADERS);
      const answer = await rawRequest({
        port: authPort,
        method: r.method,
        target,
        headers: Object.entries(check).map(([k, v]) => [k, String(v)]),
      });
      if (answer.status !== 200) return answer;
      const route = routeOf(routes, host, target);
      const app =
        (Object.keys(apps) as AppName[]).find((a) => route?.backendUrl.endsWith(`:${apps[a].port}`)) ??
        'main';
      const upstream = applyAllow(headers, answer.headers, [
        ...HEADERS_TO_BACKEND,
        ...CREDENTIAL_HEADERS.map((h) => h.toLowerCase()),
      ]);
      received.push({ app, method: r.method ?? 'GET', url: target, headers: upstream });
      return { status: 200, headers: {}, body: JSON.stringify({ url: target, headers: upstream }) };
    },
  };
}

export const viaPort = (name: FrontName, port: number, apps: Record<AppName, EchoApp>): Front => ({
  name,
  port,
  received: receivedBy(apps),
  send: (r) => rawRequest({ port, ...r }),
});
