// `./pnpmw dashboard`: writes Horizon's Grafana dashboard (deploy/kubernetes/bases/horizon-monitoring/
// dashboard.json) from the panel list below, so the JSON is never edited by hand; a deploy test
// fails when the file and this list disagree, and when a query names a metric no service exports.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Panel {
  title: string;
  /** PromQL, with its legend. */
  queries: [expr: string, legend: string][];
  unit?: string;
  kind?: 'timeseries' | 'stat';
  description: string;
}

const DNS: Panel[] = [
  {
    title: 'DNS answers by rcode',
    unit: 'reqps',
    description:
      'Answers per second by response code; SERVFAIL means upstreams failing or an unsynced index, REFUSED clients outside the ACL or names nobody forwards.',
    queries: [['sum by (rcode) (rate(horizon_dns_responses_total[$__rate_interval]))', '{{rcode}}']],
  },
  {
    title: 'DNS answer time p99',
    unit: 's',
    description: 'Time to answer, 99th percentile, by query type.',
    queries: [
      [
        'histogram_quantile(0.99, sum by (le, type) (rate(horizon_dns_request_duration_seconds_bucket[$__rate_interval])))',
        '{{type}}',
      ],
    ],
  },
  {
    title: 'Cache hit ratio',
    unit: 'percentunit',
    kind: 'stat',
    description: 'Forwarded names answered from the cache.',
    queries: [
      [
        'sum(rate(horizon_dns_cache_hits_total[$__rate_interval])) / clamp_min(sum(rate(horizon_dns_cache_hits_total[$__rate_interval])) + sum(rate(horizon_dns_cache_misses_total[$__rate_interval])), 1e-9)',
        'hit ratio',
      ],
    ],
  },
  {
    title: 'Upstreams healthy',
    kind: 'stat',
    description: '1 while an upstream answers; 0 once it has failed too often in a row (retried later).',
    queries: [['min by (to) (horizon_dns_forward_upstream_healthy)', '{{to}}']],
  },
  {
    title: 'Upstream failures by reason',
    unit: 'reqps',
    description: 'Forwards that failed, per upstream and reason (timeout, servfail, refused, ...).',
    queries: [
      [
        'sum by (to, reason) (rate(horizon_dns_forward_failures_total[$__rate_interval]))',
        '{{to}} {{reason}}',
      ],
    ],
  },
  {
    title: 'Upstream answer time p99',
    unit: 's',
    description: "Upstreams' answer time, 99th percentile.",
    queries: [
      [
        'histogram_quantile(0.99, sum by (le, to) (rate(horizon_dns_forward_request_duration_seconds_bucket[$__rate_interval])))',
        '{{to}}',
      ],
    ],
  },
  {
    title: 'DNS over TLS: connections and closes',
    description:
      'Open connections per DoT upstream, and why connections closed (idle is normal; stalled, garbage, handshake and error are the upstream misbehaving).',
    queries: [
      ['sum by (to) (horizon_dns_forward_tls_connections)', '{{to}} open'],
      [
        'sum by (to, reason) (rate(horizon_dns_forward_tls_closed_total{reason!="idle"}[$__rate_interval]))',
        '{{to}} closed: {{reason}}',
      ],
    ],
  },
  {
    title: 'DNS over TLS: handshakes',
    unit: 'ops',
    description:
      'New and resumed TLS sessions per upstream, and failed handshakes (a wrong certificate says so in the log).',
    queries: [
      [
        'sum by (to, result) (rate(horizon_dns_forward_tls_handshakes_total[$__rate_interval]))',
        '{{to}} {{result}}',
      ],
    ],
  },
  {
    title: 'Cache entries',
    kind: 'stat',
    description: 'Answers held in the cache (cache.size and cache.maxBytes bound it).',
    queries: [['max(horizon_dns_cache_entries)', 'entries']],
  },
  {
    title: 'Names served',
    kind: 'stat',
    description: 'Names in the index (routes on the selected Gateways).',
    queries: [['max(horizon_dns_index_names)', 'names']],
  },
  {
    title: 'Index staleness',
    unit: 's',
    description: 'Seconds since the Kubernetes objects were last known current (0 while the watch is live).',
    queries: [['max(horizon_dns_source_staleness_seconds)', 'staleness']],
  },
  {
    title: 'Loops, overload, ACL refusals',
    unit: 'reqps',
    description:
      'Forwarding loops detected, forwards refused past forward.maxInFlight, clients outside the ACL.',
    queries: [
      ['sum(rate(horizon_dns_forward_loops_total[$__rate_interval]))', 'loops'],
      ['sum(rate(horizon_dns_forward_overload_total[$__rate_interval]))', 'overload'],
      ['sum(rate(horizon_dns_acl_refused_total[$__rate_interval]))', 'ACL refused'],
    ],
  },
  {
    title: 'TCP connections',
    description: 'Open DNS-over-TCP connections, and those paused because their client does not read.',
    queries: [
      ['sum(horizon_dns_tcp_connections)', 'open'],
      ['sum(horizon_dns_tcp_paused_connections)', 'paused'],
    ],
  },
];

const AUTH: Panel[] = [
  {
    title: 'Checks by decision',
    unit: 'reqps',
    description: 'Auth checks per second: allow, deny (sign-in redirects and refusals), and why.',
    queries: [['sum by (decision) (rate(horizon_authproxy_checks_total[$__rate_interval]))', '{{decision}}']],
  },
  {
    title: 'Check time p99',
    unit: 's',
    description: 'Time to decide a check, 99th percentile.',
    queries: [
      [
        'histogram_quantile(0.99, sum by (le) (rate(horizon_authproxy_check_duration_seconds_bucket[$__rate_interval])))',
        'p99',
      ],
    ],
  },
  {
    title: 'Not allowed: sign-in redirects and refusals',
    unit: 'reqps',
    description:
      'Checks not allowed (decision redirect: sent to sign in; deny: refused), by policy and reason.',
    queries: [
      [
        'sum by (reason, policy) (rate(horizon_authproxy_checks_total{decision!="allow"}[$__rate_interval]))',
        '{{policy}} {{reason}}',
      ],
    ],
  },
  {
    title: 'Sign-ins by result',
    unit: 'reqps',
    description: 'Completed logins (ok) and failed ones, by reason.',
    queries: [['sum by (result) (rate(horizon_authproxy_logins_total[$__rate_interval]))', '{{result}}']],
  },
  {
    title: 'Session re-validations',
    unit: 'reqps',
    description: 'Refreshes at the provider, by result.',
    queries: [['sum by (result) (rate(horizon_authproxy_refreshes_total[$__rate_interval]))', '{{result}}']],
  },
  {
    title: 'Provider up',
    kind: 'stat',
    description: '1 while the OpenID Provider answers (probed every 30 s by each replica).',
    queries: [['min(horizon_authproxy_provider_up)', 'provider']],
  },
  {
    title: 'Session store up',
    kind: 'stat',
    description: '1 while Redis answers (Redis sessions only).',
    queries: [['min(horizon_authproxy_session_store_up)', 'store']],
  },
  {
    title: 'App-password failures by reason',
    unit: 'reqps',
    description:
      'invalid: a wrong password; limited-client / limited-user: refused (429) past a failure budget; scope, forbidden, disabled: a real password used where it may not pass.',
    queries: [
      [
        'sum by (reason) (rate(horizon_authproxy_app_password_failures_total[$__rate_interval]))',
        '{{reason}}',
      ],
    ],
  },
  {
    title: 'Revocations heard',
    kind: 'stat',
    description:
      '1 while every replica hears sign-outs and revocations at once (Redis sessions); 0 while a replica asks Redis on every check instead.',
    queries: [['min(horizon_authproxy_revocations_listening)', 'listening']],
  },
  {
    title: 'Checks without headersToExtAuth',
    unit: 'reqps',
    description: 'Checks from a SecurityPolicy that sends no cookie: nobody can sign in there.',
    queries: [
      ['sum(rate(horizon_authproxy_checks_without_headers_total[$__rate_interval]))', 'misconfigured'],
    ],
  },
];

/** The panels of a row, laid out two abreast (stats four abreast). */
function layout(panels: Panel[], firstY: number, firstId: number): object[] {
  let x = 0;
  let y = firstY;
  return panels.map((p, i) => {
    const w = p.kind === 'stat' ? 6 : 12;
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const panel = {
      id: firstId + i,
      type: p.kind ?? 'timeseries',
      title: p.title,
      description: p.description,
      datasource: { type: 'prometheus', uid: '$datasource' },
      gridPos: { x, y, w, h: 8 },
      fieldConfig: { defaults: { unit: p.unit ?? 'short' }, overrides: [] },
      targets: p.queries.map(([expr, legendFormat], n) => ({
        expr,
        legendFormat,
        refId: String.fromCharCode(65 + n),
      })),
    };
    x += w;
    return panel;
  });
}

export function dashboard(): object {
  const row = (id: number, title: string, y: number) => ({
    id,
    type: 'row',
    title,
    collapsed: false,
    gridPos: { x: 0, y, w: 24, h: 1 },
    panels: [],
  });
  const dnsPanels = layout(DNS, 1, 2);
  const authY = 2 + Math.max(...dnsPanels.map((p) => (p as { gridPos: { y: number } }).gridPos.y)) + 8;
  return {
    uid: 'horizon',
    title: 'Horizon',
    description: 'Horizon DNS and Horizon auth, from their own metrics (generated by scripts/dashboard.ts).',
    tags: ['horizon', 'dns', 'auth'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus', current: {} },
      ],
    },
    panels: [
      row(1, 'Horizon DNS', 0),
      ...dnsPanels,
      row(100, 'Horizon auth', authY - 1),
      ...layout(AUTH, authY, 101),
    ],
  };
}

export const DASHBOARD_FILE = join(
  import.meta.dirname,
  '..',
  'deploy',
  'kubernetes',
  'bases',
  'horizon-monitoring',
  'dashboard.json',
);
export const dashboardText = (): string => `${JSON.stringify(dashboard(), null, 2)}\n`;

if (import.meta.main) {
  writeFileSync(DASHBOARD_FILE, dashboardText());
  console.log(`${DASHBOARD_FILE} written`);
}
