import { isIPv4 } from 'node:net';
import { ipv6Bytes } from '../wire/records.ts';
import type { TcpConnection } from './connection.ts';

/** Why a new connection was refused (the label of horizon_dns_tcp_refused_total). */
export type RefuseReason = 'client_limit' | 'connection_limit';

/**
 * Who may hold a TCP connection: at most `maxPerClient` per client (clientKey) and
 * `maxConnections` in all. At a limit, a new connection takes the place of the connection that has
 * owed nothing for longest (RFC 7766 §6.2.3 lets a server close idle connections when it must), the
 * client's own first; only when every one there is busy answering is the new one refused. So idle
 * or trickling connections can never lock the others out.
 */
export interface Admission {
  /** Makes room for one more connection from `client`, closing an idle one if needed; the reason when there is none. */
  makeRoom(client: string): RefuseReason | undefined;
  add(conn: TcpConnection): void;
  remove(conn: TcpConnection): void;
  all(): Iterable<TcpConnection>;
  size(): number;
}

/** Connections looked at to find one to close (see evictFrom). */
const SCAN = 64;

export function createAdmission(o: { maxConnections: number; maxPerClient: number }): Admission {
  const all = new Set<TcpConnection>();
  const byClient = new Map<string, Set<TcpConnection>>();

  const remove = (conn: TcpConnection) => {
    if (!all.delete(conn)) return;
    const own = byClient.get(conn.client);
    own?.delete(conn);
    if (own?.size === 0) byClient.delete(conn.client);
  };
  /**
   * Closes the longest-idle connection among the first `SCAN` of `candidates` (a Set keeps
   * insertion order: the oldest connections, where the longest idle ones are); false when all of
   * those are busy. Bounded, so a flood of new connections costs each one a fixed look, not one
   * over every open connection.
   */
  const evictFrom = (candidates: Iterable<TcpConnection>): boolean => {
    let victim: TcpConnection | undefined;
    let since = Number.POSITIVE_INFINITY;
    let looked = 0;
    for (const c of candidates) {
      if (looked++ === SCAN) break;
      const idle = c.idleSince();
      if (idle !== undefined && idle < since) {
        since = idle;
        victim = c;
      }
    }
    if (!victim) return false;
    remove(victim);
    victim.close('evicted');
    return true;
  };

  return {
    makeRoom(client) {
      const own = byClient.get(client);
      if (own && own.size >= o.maxPerClient && !evictFrom(own)) return 'client_limit';
      if (all.size >= o.maxConnections && !evictFrom(all)) return 'connection_limit';
      return undefined;
    },
    add(conn) {
      all.add(conn);
      const own = byClient.get(conn.client) ?? new Set();
      own.add(conn);
      byClient.set(conn.client, own);
    },
    remove,
    all: () => all,
    size: () => all.size,
  };
}

/**
 * Who a TCP connection counts against, for the per-client limit: the IPv4 address, or the /64 of
 * an IPv6 address (one host picks new addresses inside its /64 at will, RFC 8981), with
 * IPv4-mapped IPv6 addresses counted as the IPv4 address they carry.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  if (isIPv4(address) || address === '') return address;
  return `${ipv6Bytes(address.replace(/%.*$/, '')).subarray(0, 8).toString('hex')}/64`;
}
