import { type RunningProgram } from './programs.ts';
/**
 * dnsmasq with a config of our own: no /etc/resolv.conf, no /etc/hosts, bound to one loopback
 * address. `lines` are dnsmasq.conf lines, e.g. `server=/home.example.com/127.0.0.1#5300` (the UDM's
 * conditional forwarding) or `address=/x.test/127.0.0.9`. Never a non-loopback upstream.
 */
export declare function startDnsmasq(
  lines: readonly string[],
  options?: {
    host?: string;
  },
): Promise<RunningProgram>;
/** nginx serving `http` (the inside of an `http { }` block; `$PORT` is the port it must listen on). */
export declare function startNginx(
  http: string,
  options?: {
    host?: string;
  },
): Promise<RunningProgram>;
/** Caddy running `sites` (Caddyfile site blocks; `$HOST`/`$PORT` replaced), admin API off. */
export declare function startCaddy(
  sites: string,
  options?: {
    host?: string;
  },
): Promise<RunningProgram>;
/** redis-server on loopback with persistence off. */
export declare function startRedis(options?: { host?: string }): Promise<RunningProgram>;
