import { ago, card, type Html, html, lineGraph, page, state, table } from '@horizon/shared';

/** What the DNS status page shows; the service gathers it on each page view (never per query). */
export interface DnsStatus {
  index: { synced: boolean; generation: number; ageSeconds: number; stalenessSeconds: number };
  /** Every name served, with its addresses per view, where it comes from and through which Gateway. */
  names: {
    name: string;
    addresses: Record<string, string[]>;
    /** Its other records (CNAME, TXT, MX, SRV, PTR), `TYPE value` each. */
    records: readonly string[];
    source: string;
    gateway: string;
    objects: string[];
  }[];
  /** Names not served, and why (outside every zone, a conflict lost, a route not accepted). */
  refused: { name: string; reason: string; object: string }[];
  upstreams: {
    address: string;
    /** What it is for: the config's pools it is in. */
    uses: readonly string[];
    healthy: boolean;
    requests: number;
    failures: number;
    meanSeconds?: number;
  }[];
  cache: { enabled: boolean; entries: number; hitRatio?: number };
  loops: number;
  /** The last SERVFAIL and NXDOMAIN answers, newest first. */
  recent: { at: number; name: string; type: string; rcode: string; reason: string; client: string }[];
  /** Per-second rates over the last hour, oldest first. */
  history: {
    stepSeconds: number;
    queries: readonly number[];
    servfail: readonly number[];
    nxdomain: readonly number[];
  };
}

/** Rows of the names table at most: a filter narrows a large zone down. */
export const MAX_ROWS = 500;

const ms = (s?: number) => (s === undefined ? '' : `${(s * 1000).toFixed(1)} ms`);

function cards(s: DnsStatus): Html {
  const healthy = s.upstreams.filter((u) => u.healthy).length;
  return html`<div class="cards">${[
    card('names served', String(s.names.length)),
    card('index', s.index.synced ? `generation ${s.index.generation}` : 'not synced'),
    card('source', s.index.stalenessSeconds === 0 ? 'live' : `stale ${ago(s.index.stalenessSeconds)}`),
    card('upstreams healthy', s.upstreams.length ? `${healthy} of ${s.upstreams.length}` : 'none configured'),
    card(
      'cache',
      s.cache.enabled
        ? `${s.cache.entries} entries${s.cache.hitRatio === undefined ? '' : `, ${Math.round(s.cache.hitRatio * 100)}% hits`}`
        : 'off',
    ),
    card('loops detected', String(s.loops)),
  ]}</div>`;
}

function names(s: DnsStatus, filter: string): Html {
  const needle = filter.trim().toLowerCase();
  const matching = needle
    ? s.names.filter((n) =>
        `${n.name} ${n.source} ${n.gateway} ${n.objects.join(' ')} ${n.records.join(' ')}`
          .toLowerCase()
          .includes(needle),
      )
    : s.names;
  const views = [...new Set(s.names.flatMap((n) => Object.keys(n.addresses)))];
  const rows = matching
    .slice(0, MAX_ROWS)
    .map((n) => [
      n.name,
      ...views.map((v) => (n.addresses[v] ?? []).join(', ')),
      n.records.join(', '),
      n.source,
      n.gateway,
      n.objects.join(', '),
    ]);
  const shown = matching.length > MAX_ROWS ? ` (the first ${MAX_ROWS}: narrow the filter)` : '';
  return html`<h2 id="names">Names served</h2>
<form method="get" action="/#names"><input type="search" name="q" value="${filter}" placeholder="filter: a name, a route, a source" aria-label="filter"> <button type="submit">Filter</button></form>
<p class="muted">${matching.length} of ${s.names.length} names${shown}</p>
${table(['name', ...views.map((v) => `address (${v})`), 'other records', 'source', 'gateway', 'from'], rows, needle ? 'no name matches' : 'no names yet')}`;
}

/** The page at `/` of Horizon DNS's ops port. `filter` is the `q` the names table is narrowed by. */
export function renderDnsStatus(s: DnsStatus, filter: string, now: number): string {
  const graph = lineGraph(
    [
      { name: 'queries/s', points: s.history.queries, color: '#0969da' },
      { name: 'NXDOMAIN/s', points: s.history.nxdomain, color: '#9a6700' },
      { name: 'SERVFAIL/s', points: s.history.servfail, color: '#cf222e' },
    ],
    { unit: '/s' },
  );
  const body = html`<h1>Horizon DNS</h1>
<p class="sub">${state(s.index.synced, 'serving', 'not synced: zone names get SERVFAIL')}, index rebuilt ${ago(s.index.ageSeconds)}; this page refreshes every 30 s.</p>
${cards(s)}
<h2>Answers, the last hour</h2>${graph}
${names(s, filter)}
<h2>Names not served</h2>
${table(
  ['name', 'why', 'object'],
  s.refused.map((r) => [r.name, r.reason, r.object]),
  'none',
)}
<h2>Upstreams</h2>
${table(
  ['upstream', 'for', 'state', 'queries', 'failures', 'mean answer'],
  s.upstreams.map((u) => [
    u.address,
    u.uses.join('; '),
    state(u.healthy, 'up', 'down'),
    u.requests,
    u.failures,
    ms(u.meanSeconds),
  ]),
  'none configured: names outside the zones are refused',
)}
<h2>Last SERVFAIL and NXDOMAIN answers</h2>
${table(
  ['when', 'name', 'type', 'answer', 'why', 'client'],
  s.recent.map((r) => [ago((now - r.at) / 1000), r.name, r.type, r.rcode, r.reason, r.client]),
  'none since start',
)}`;
  return page('Horizon DNS', body, 30);
}
