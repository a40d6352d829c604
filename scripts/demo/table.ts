import { type Gateway, type GatewayApiSnapshot, gatewayRefsOf } from '@horizon/shared';

/** One line per hostname and Gateway it is attached to: HOSTNAME GATEWAY ADDRESS ROUTE. */
export function hostnameRows(snap: GatewayApiSnapshot): string[][] {
  const gateways = new Map<string, Gateway>(
    snap.gateways.map((g) => [`${g.metadata.namespace}/${g.metadata.name}`, g]),
  );
  const rows: string[][] = [];
  for (const route of snap.httpRoutes) {
    for (const ref of gatewayRefsOf(route)) {
      const gw = gateways.get(ref.gateway);
      const address = gw
        ? (gw.status?.addresses ?? gw.spec.addresses ?? []).map((a) => a.value).join(',') || '(none)'
        : '(no such gateway)';
      for (const host of route.spec.hostnames ?? [])
        rows.push([host, ref.gateway, address, `${route.metadata.namespace}/${route.metadata.name}`]);
    }
  }
  return rows.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

/**
 * The banner and the table. A name attached to both gateways has a line per gateway, so the
 * banner counts names and says which are dual-homed (the LAN gets the internal gateway's address).
 */
export function renderTable(rows: string[][], dir: string, domain: string): string {
  const perName = new Map<string, number>();
  for (const [host = ''] of rows) perName.set(host, (perName.get(host) ?? 0) + 1);
  const dual = [...perName].filter(([, n]) => n > 1).map(([host]) => host);
  const names = perName.size === 1 ? '1 hostname' : `${perName.size} hostnames`;
  const note =
    dual.length === 0
      ? ''
      : `; ${dual.join(', ')} ${dual.length === 1 ? 'is' : 'are'} on more than one gateway, a line each`;
  const all = [['HOSTNAME', 'GATEWAY', 'ADDRESS', 'ROUTE'], ...rows];
  const widths = all[0]?.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = all.map(
    (r) =>
      `  ${r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}`,
  );
  return `\nHorizon: ${names} from ${dir} (SECRET_DOMAIN=${domain})${note}\n${lines.join('\n')}\n`;
}
