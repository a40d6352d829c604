import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import type { PortFlag } from './cli.ts';

/** The settings a manifest folder brings for names no object carries (deploy/examples/dns-settings.yaml). */
export const SETTINGS_FILE = 'dns-settings.yaml';

/**
 * Horizon DNS's config in the demo: the manifest folder, loopback only, forwarding only when
 * asked, and the folder's own settings (its static records and reverse zones) when it has them.
 */
export function dnsConfig(ports: Record<PortFlag, number>, dir: string, domain: string, upstream?: string) {
  const upstreams = upstream ? [upstream] : [];
  const file = join(dir, SETTINGS_FILE);
  const own = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  return {
    ...own,
    // The services' output is a pipe to the demo: readable lines when the demo's own is a terminal.
    log: { level: 'info', format: process.stdout.isTTY ? 'pretty' : 'json' },
    ops: { host: '127.0.0.1', port: ports['ops-port'] },
    shutdown: { lameDuckSeconds: 0 },
    source: { manifests: dir },
    listen: { addresses: ['127.0.0.1'], port: ports['dns-port'] },
    zones: [domain],
    nameserver: { addresses: ['127.0.0.1'] },
    zoneMiss: upstreams.length > 0 ? { mode: 'forward', upstreams } : { mode: 'nxdomain' },
    forward: { upstreams },
  };
}

const onPath = (program: string, path = process.env.PATH ?? '') =>
  path.split(delimiter).some((d) => {
    try {
      accessSync(join(d, program), constants.X_OK);
      return true;
    } catch {
      return false; // not in this folder
    }
  });

/** What to try against Horizon DNS; says how to get dig where it is missing (a fresh Debian has none). */
export function dnsBanner(
  ports: Record<PortFlag, number>,
  domain: string,
  forwarding: boolean,
  dir: string,
): string {
  const at = `-p ${ports['dns-port']} @127.0.0.1`;
  const noDig = onPath('dig')
    ? ''
    : '  (dig is not installed here: sudo apt-get install bind9-dnsutils, or ./pnpmw programs install)\n';
  return (
    `Horizon DNS on 127.0.0.1:${ports['dns-port']} (UDP and TCP), ops on http://127.0.0.1:${ports['ops-port']}. Try:\n` +
    noDig +
    `  dig ${at} id.${domain}          # the internal gateway: 10.90.3.202\n` +
    `  dig ${at} unifi.${domain} AAAA  # NODATA: never passed upstream\n` +
    `  dig ${at} pdf.${domain}         # external only: ${forwarding ? 'resolved by the upstream' : 'NXDOMAIN (no --upstream)'}\n` +
    `  dig ${at} +tcp ${domain} SOA\n` +
    `  dig ${at} mqtt.${domain}        # a LoadBalancer Service: 10.90.3.210\n` +
    `  dig ${at} stanton-01.internal   # a static record: 10.90.3.101 (dig ${at} -x 10.90.3.101)\n` +
    `  curl http://127.0.0.1:${ports['ops-port']}/records\n` +
    `The status page, in a browser: http://127.0.0.1:${ports['ops-port']}/ (names, upstreams, failed answers).\n` +
    `Edit a file in ${dir} and the answers follow within a second.\n`
  );
}
