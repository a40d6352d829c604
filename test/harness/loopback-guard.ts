import dgram from 'node:dgram';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

// The network rule of this project: tests send traffic to loopback only. This guard wraps the
// places where Node code opens a connection, sends a datagram or asks the system resolver, and
// refuses any destination outside 127.0.0.0/8, ::1 and `localhost` names, before a packet leaves.
// Programs a test starts (dnsmasq, nginx) are outside its reach: their configs name loopback.

export const GUARDED: unique symbol = Symbol.for('horizon.loopbackGuard');
const violations: string[] = [];

/** True for destinations tests may reach: loopback addresses, `localhost` and `*.localhost`. */
export function isLoopbackDestination(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // Node's default is localhost
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && (mapped[1] ?? '').startsWith('127.');
  }
  return false;
}

function refuse(what: string, host: string): never {
  const message = `loopback guard: a test tried to ${what} ${host}; tests may reach 127.0.0.0/8 and ::1 only`;
  violations.push(message);
  throw Object.assign(new Error(message), { code: 'E_LOOPBACK_GUARD' });
}

/** The violations since the last call (the setup file fails the test that caused them). */
export function takeViolations(): string[] {
  return violations.splice(0);
}

export function installLoopbackGuard(): void {
  const proto = net.Socket.prototype as unknown as Record<PropertyKey, unknown> & {
    connect: (...a: unknown[]) => unknown;
  };
  if (proto[GUARDED]) return;
  const connect = proto.connect;
  proto.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? args[0][0] : args[0]; // http passes [options, cb]
    if (typeof first === 'object' && first !== null) {
      const o = first as { host?: string; path?: string };
      if (o.path === undefined && !isLoopbackDestination(o.host)) refuse('connect to', String(o.host));
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      const host = typeof args[1] === 'string' ? args[1] : undefined;
      if (!isLoopbackDestination(host)) refuse('connect to', String(host));
    }
    return connect.apply(this, args);
  };
  proto[GUARDED] = true;

  const udp = dgram.Socket.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const method of ['send', 'connect'] as const) {
    const original = udp[method];
    if (!original) continue;
    udp[method] = function guardedUdp(this: dgram.Socket, ...args: unknown[]) {
      // The address is the first string argument after the message (send) or port (connect).
      const host = args.slice(1).find((a) => typeof a === 'string') as string | undefined;
      if (!isLoopbackDestination(host)) refuse(`send UDP (${method}) to`, String(host));
      return original.apply(this, args);
    };
  }

  const lookup = dns.lookup;
  const guardedLookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
    if (!isLoopbackDestination(hostname)) refuse('resolve', hostname);
    return (lookup as (...a: unknown[]) => unknown)(hostname, ...rest);
  };
  (dns as { lookup: unknown }).lookup = Object.assign(guardedLookup, { [GUARDED]: true });
  const plookup = dns.promises.lookup;
  (dns.promises as { lookup: unknown }).lookup = (hostname: string, ...rest: unknown[]) => {
    if (!isLoopbackDestination(hostname)) refuse('resolve', hostname);
    return (plookup as (...a: unknown[]) => unknown)(hostname, ...rest);
  };
  syncBuiltinESMExports();
}
