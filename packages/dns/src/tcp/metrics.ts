import { Counter, Gauge, type Registry } from 'prom-client';
import type { TcpEvents, TcpFront } from './front.ts';

type TcpStats = Pick<TcpFront, 'connections' | 'unsentBytes' | 'paused'>;

/**
 * The TCP front's metrics: open connections and unsent answer bytes read when scraped, and every
 * connection Horizon closed or refused, by reason (connection.ts, admission.ts).
 */
export function createTcpMetrics(registry: Registry) {
  const registers = [registry];
  let stats: TcpStats | undefined;
  new Gauge({
    name: 'horizon_dns_tcp_connections',
    help: 'Open TCP connections.',
    registers,
    collect() {
      this.set(stats?.connections() ?? 0);
    },
  });
  new Gauge({
    name: 'horizon_dns_tcp_unsent_bytes',
    help: 'Answer bytes written to TCP clients and not yet read by them.',
    registers,
    collect() {
      this.set(stats?.unsentBytes() ?? 0);
    },
  });
  new Gauge({
    name: 'horizon_dns_tcp_paused_connections',
    help: 'TCP connections not being read: their pipeline is full, or their client is not reading its answers.',
    registers,
    collect() {
      this.set(stats?.paused() ?? 0);
    },
  });
  const closed = new Counter({
    name: 'horizon_dns_tcp_closed_total',
    help: 'TCP connections closed by Horizon, by reason (idle, frame_timeout, write_stall, unsent_limit, not_a_query, evicted).',
    labelNames: ['reason'],
    registers,
  });
  const refused = new Counter({
    name: 'horizon_dns_tcp_refused_total',
    help: 'New TCP connections refused, by reason (client_limit, connection_limit).',
    labelNames: ['reason'],
    registers,
  });
  const events: TcpEvents = {
    onClosed: (reason) => {
      if (reason !== 'shutdown') closed.labels(reason).inc();
    },
    onRefused: (reason) => refused.labels(reason).inc(),
  };
  return {
    events,
    /** Reports the gauges from the running front. */
    watch(front: TcpStats) {
      stats = front;
    },
  };
}
