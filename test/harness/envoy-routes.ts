/** An HTTPRoute rule of the contract gateway: a hostname (or any) and a PathPrefix, to a backend. */
export interface GatewayRoute {
  host?: string;
  prefix: string;
  backendUrl: string;
}

/** The route a host and normalized path take: host rules before any-host ones, then the longest prefix. */
export function routeOf(
  routes: readonly GatewayRoute[],
  host: string,
  path: string,
): GatewayRoute | undefined {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  const p = path.split('?')[0] as string;
  const under = (prefix: string) =>
    prefix === '/' ||
    p === prefix.replace(/\/$/, '') ||
    p.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  return [...routes]
    .filter((r) => (r.host === undefined || r.host === hostname) && under(r.prefix))
    .sort(
      (a, b) =>
        Number(b.host !== undefined) - Number(a.host !== undefined) || b.prefix.length - a.prefix.length,
    )[0];
}
