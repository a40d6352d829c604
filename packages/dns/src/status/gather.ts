import {
  type Clock,
  createHistory,
  type GatewayApiSource,
  metricSamples,
  metricTotal,
  type Registry,
} from '@horizon/shared';
import type { LiveIndex } from '../index/live.ts';
import type { IndexData, SourceKind } from '../index/types.ts';
import type { FailedAnswer } from './answers.ts';
import type { DnsStatus } from './page.ts';

export interface DnsStatusSources {
  index: LiveIndex;
  source: Pick<GatewayApiSource, 'stalenessSeconds'>;
  registry: Registry;
  failures: () => FailedAnswer[];
  clock: Clock;
  /** What each upstream is for, by label (upstream-uses.ts). */
  uses: ReadonlyMap<string, readonly string[]>;
}

/**
 * The page's graphs: answers per second by kind over the last hour, sampled every 10 s from the
 * service's own Prometheus counters (horizon_dns_responses_total), so the query path counts once.
 */
export function dnsHistory(registry: Registry, clock: Clock) {
  const history = createHistory({ clock });
  const responses = (rcode?: string) => () =>
    metricTotal(registry, 'horizon_dns_responses_total', rcode ? { rcode } : {});
  history.track('queries', { kind: 'counter', read: responses() });
  history.track('servfail', { kind: 'counter', read: responses('SERVFAIL') });
  history.track('nxdomain', { kind: 'counter', read: responses('NXDOMAIN') });
  return history;
}

/** Everything the status page shows, read when the page is asked for (never per query). */
export async function gatherDnsStatus(
  o: DnsStatusSources,
  history: ReturnType<typeof dnsHistory>,
): Promise<DnsStatus> {
  const index = o.index.current();
  const served = index ? [...index.exact.values(), ...index.wildcards.values()].map((e) => e.served) : [];
  const [hits, misses, loops, entries] = await Promise.all([
    metricTotal(o.registry, 'horizon_dns_cache_hits_total'),
    metricTotal(o.registry, 'horizon_dns_cache_misses_total'),
    metricTotal(o.registry, 'horizon_dns_forward_loops_total'),
    metricSamples(o.registry, 'horizon_dns_cache_entries'),
  ]);
  return {
    index: {
      synced: index !== undefined,
      generation: index?.generation ?? 0,
      ageSeconds: index ? (Date.now() - index.builtAt) / 1000 : Number.POSITIVE_INFINITY,
      stalenessSeconds: o.source.stalenessSeconds(),
    },
    names: served
      .map((n) => ({
        name: n.name,
        addresses: n.addresses,
        records: Object.entries(n.records ?? {}).flatMap(([type, values]) =>
          values.map((v) => `${type} ${v}`),
        ),
        source: SOURCE_LABEL[n.source],
        gateway: n.gateway ?? '',
        objects: n.routes ?? [n.owner],
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    refused: index ? refusedOf(index) : [],
    upstreams: await upstreamsOf(o.registry, o.uses),
    cache: {
      enabled: entries.length > 0,
      entries: entries[0]?.value ?? 0,
      hitRatio: hits + misses > 0 ? hits / (hits + misses) : undefined,
    },
    loops,
    recent: o.failures(),
    history: {
      stepSeconds: history.stepMs / 1000,
      queries: history.points('queries'),
      servfail: history.points('servfail'),
      nxdomain: history.points('nxdomain'),
    },
  };
}

/** How the page names each source of a name. */
const SOURCE_LABEL: Record<SourceKind, string> = {
  route: 'route',
  gateway: "Gateway's own name",
  nameserver: 'nameserver.addresses',
  service: 'Service',
  dnsendpoint: 'DNSEndpoint',
  static: 'static record',
  reverse: 'PTR of an address served',
};

/** Rows of "names not served" at most; the rest are counted in one row (all of them on /records). */
const REFUSED_ROWS = 500;

/** Names not served and why: outside every zone, a claim lost to another source, a problem. */
function refusedOf(index: IndexData): DnsStatus['refused'] {
  const rows = [
    ...index.outside.map((name) => ({ name, reason: 'outside every zone', object: '' })),
    ...index.conflicts.map((c) => ({
      name: c.name,
      reason: `${c.winner.owner} serves it: ${c.reason}`,
      object: c.owner,
    })),
    ...index.problems.map((p) => ({ name: '', reason: p.problem, object: p.owner })),
  ];
  if (rows.length <= REFUSED_ROWS) return rows;
  const more = { name: '', reason: `${rows.length - REFUSED_ROWS} more, listed on /records`, object: '' };
  return [...rows.slice(0, REFUSED_ROWS), more];
}

/** Each upstream's health, queries, failures and mean answer time, from the forward metrics. */
async function upstreamsOf(
  registry: Registry,
  uses: DnsStatusSources['uses'],
): Promise<DnsStatus['upstreams']> {
  const [healthy, requests, failures, duration] = await Promise.all(
    [
      'horizon_dns_forward_upstream_healthy',
      'horizon_dns_forward_requests_total',
      'horizon_dns_forward_failures_total',
      'horizon_dns_forward_request_duration_seconds',
    ].map((name) => metricSamples(registry, name)),
  );
  const sumFor = (samples: typeof healthy, to: string, metricName?: string) =>
    (samples ?? [])
      .filter((s) => s.labels.to === to && (metricName === undefined || s.metricName === metricName))
      .reduce((n, s) => n + s.value, 0);
  return (healthy ?? []).map((h) => {
    const to = String(h.labels.to);
    const count = sumFor(duration, to, 'horizon_dns_forward_request_duration_seconds_count');
    const seconds = sumFor(duration, to, 'horizon_dns_forward_request_duration_seconds_sum');
    return {
      address: to,
      uses: uses.get(to) ?? [],
      healthy: h.value === 1,
      requests: sumFor(requests, to),
      failures: sumFor(failures, to),
      meanSeconds: count > 0 ? seconds / count : undefined,
    };
  });
}
