// The Markdown report of `pnpm soak:dns`: what the legitimate clients got alone and under attack,
// memory against the Deployment's limit, what the attackers saw, and Horizon's own counters.
import type { AttackStats } from './hostile.ts';
import type { LoadResult, TcpProbeResult } from './legit.ts';
import type { AbuseStats } from './upstream-abuse.ts';

export interface SoakResult {
  seconds: number;
  baselineSeconds: number;
  rate: number;
  flags: string[];
  limitBytes: number;
  enforced: boolean;
  baseline: LoadResult;
  attacked: LoadResult;
  tcp: TcpProbeResult;
  hostile: Record<string, AttackStats | AbuseStats>;
  memory: {
    startMiB: number;
    baselinePeakMiB: number;
    peakMiB: number;
    hwmMiB: number;
    afterMiB: number;
    cgroupPeakMiB: number;
    oomKills: number;
  };
  /** Horizon's CPU seconds in each phase, and seconds it waited runnable for a CPU. */
  cpu: { alone: { ran: number; waited: number }; attacked: { ran: number; waited: number } };
  alive: boolean;
  logLines: number;
  /** The messages logged, with their counts. */
  logged: string;
  metrics: string;
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Every sample of a Prometheus metric as `label values -> value`. */
function samples(text: string, name: string): [string, number][] {
  const out: [string, number][] = [];
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([\\d.e+-]+)$`, 'gm'))) {
    const labels = (m[1] ?? '').replace(/,?service="dns"/, '').replace(/"/g, '');
    out.push([labels, Number(m[2])]);
  }
  return out;
}
const mib = (text: string, name: string) => (samples(text, name)[0]?.[1] ?? Number.NaN) / 1048576;
const listed = (text: string, name: string) =>
  samples(text, name)
    .filter(([, v]) => v > 0)
    .map(([l, v]) => `${l || 'total'} ${v}`)
    .join(', ') || 'none';

export function report(r: SoakResult): string {
  const limitMiB = r.limitBytes / 1048576;
  const ratio = r.attacked.answeredPerSecond / r.baseline.answeredPerSecond;
  const row = (phase: string, l: LoadResult) =>
    `| ${phase} | ${l.sent} | ${l.completed} | ${l.lost} | ${f(l.answeredPerSecond, 0)} | ${f(l.p50Ms, 2)} | ${f(l.p99Ms, 2)} | ${f(l.maxMs, 0)} | ${Object.entries(
      l.rcodes,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} |`;
  const worst = Math.max(r.memory.peakMiB, r.memory.hwmMiB || 0, r.memory.cgroupPeakMiB);
  const goals = [
    `lived: **${r.alive ? 'yes' : 'NO'}**`,
    `memory under the ${f(limitMiB, 0)} MiB limit throughout: **${worst < limitMiB && r.memory.oomKills === 0 ? 'yes' : 'NO'}** (peak ${f(worst)} MiB)`,
    `legitimate UDP answered under attack / alone: **${f(ratio, 3)}** (goal >= 0.95)`,
  ];
  return [
    `Horizon DNS: compiled build, node ${r.flags.join(' ')} (the image's ENTRYPOINT), memory limit ${f(limitMiB, 0)} MiB (the Deployment's) ${r.enforced ? 'enforced by a cgroup' : 'watched only (no cgroup could be made)'}; Horizon pinned to one core, everything else on the other.`,
    `Legitimate load: dnsperf -Q ${r.rate} over UDP (7 zone names, 2 cache hits, 1 cache miss in 10), ${r.baselineSeconds} s alone, then ${r.seconds} s under attack.`,
    '',
    `Goals: ${goals.join('; ')}.`,
    '',
    '| Phase | Sent | Answered | Lost | Answered/s | p50 (ms) | p99 (ms) | Max (ms) | Responses |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    row('alone', r.baseline),
    row('under attack', r.attacked),
    '',
    `Memory (MiB): ${f(r.memory.startMiB)} at start; peak ${f(r.memory.baselinePeakMiB)} alone, ${f(r.memory.peakMiB)} under attack (sampled every 200 ms), VmHWM ${f(r.memory.hwmMiB)}, cgroup peak ${f(r.memory.cgroupPeakMiB)} (page cache included), OOM kills ${r.memory.oomKills}; ${f(r.memory.afterMiB)} 10 s after the attack.`,
    `Horizon's CPU: ${f(r.cpu.alone.ran)} s alone (waited ${f(r.cpu.alone.waited, 2)} s for a CPU), ${f(r.cpu.attacked.ran)} s under attack (waited ${f(r.cpu.attacked.waited, 2)} s): its share of one core ${f((100 * r.cpu.alone.ran) / r.baselineSeconds, 0)}% and ${f((100 * r.cpu.attacked.ran) / r.seconds, 0)}%.`,
    `Legitimate TCP (a fresh connection every 200 ms during the attack): ${r.tcp.answered} of ${r.tcp.asked} answered, ${r.tcp.failed} failed. Log lines written: ${r.logLines}${r.logged ? ` (${r.logged})` : ''}.`,
    '',
    '| Attacker | What it saw |',
    '| --- | --- |',
    ...Object.entries(r.hostile).map(
      ([k, s]) =>
        `| ${k} | ${Object.entries(s)
          .map(([m, v]) => `${m} ${v}`)
          .join(', ')} |`,
    ),
    '',
    `Horizon's counters: TCP closed by reason: ${listed(r.metrics, 'horizon_dns_tcp_closed_total')}; refused: ${listed(r.metrics, 'horizon_dns_tcp_refused_total')}; forward failures: ${listed(r.metrics, 'horizon_dns_forward_failures_total')}; DNS-over-TLS connections closed: ${listed(r.metrics, 'horizon_dns_forward_tls_closed_total')}; handshakes: ${listed(r.metrics, 'horizon_dns_forward_tls_handshakes_total')}; unmatched replies: ${listed(r.metrics, 'horizon_dns_forward_unmatched_replies_total')}; overload: ${listed(r.metrics, 'horizon_dns_forward_overload_total')}; CNAMEs chased: ${listed(r.metrics, 'horizon_dns_forward_cname_chased_total')}; served stale: ${listed(r.metrics, 'horizon_dns_cache_served_stale_total')}; ACL refused: ${listed(r.metrics, 'horizon_dns_acl_refused_total')}; responses: ${listed(r.metrics, 'horizon_dns_responses_total')}; event-loop lag p99 ${listed(r.metrics, 'nodejs_eventloop_lag_p99_seconds')} s, max ${listed(r.metrics, 'nodejs_eventloop_lag_max_seconds')} s; V8 heap used ${f(mib(r.metrics, 'nodejs_heap_size_used_bytes'))} MiB of ${f(mib(r.metrics, 'nodejs_heap_size_total_bytes'))}, external ${f(mib(r.metrics, 'nodejs_external_memory_bytes'))} MiB (after the attack).`,
    '',
  ].join('\n');
}
