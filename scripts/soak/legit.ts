// The legitimate side of `pnpm soak:dns`: dnsperf at a fixed rate over UDP (every answer's latency
// from its -v lines), and a TCP client that asks one question per fresh connection.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { dnsQuery } from '@horizon/test/harness';

export interface LoadResult {
  sent: number;
  completed: number;
  lost: number;
  /** Answers per second over the run. */
  answeredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  rcodes: Record<string, number>;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);

/** dnsperf -Q `rate` for `seconds` from `from` on `core` (taskset), its queries from `file`. */
export async function dnsperf(o: {
  port: number;
  file: string;
  seconds: number;
  rate: number;
  core: number;
  from: string;
}): Promise<LoadResult> {
  const args = ['-c', String(o.core), 'dnsperf', '-s', '127.0.0.1', '-p', String(o.port), '-a', o.from];
  args.push(
    '-d',
    o.file,
    '-l',
    String(o.seconds),
    '-Q',
    String(o.rate),
    '-c',
    '4',
    '-q',
    '500',
    '-t',
    '2',
    '-v',
  );
  const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const rcodes: Record<string, number> = {};
  let summary = '';
  for await (const line of createInterface({ input: child.stdout })) {
    const m = /^> (\S+) \S+ \S+ ([\d.]+)$/.exec(line);
    if (!m) {
      summary += `${line}\n`;
      continue;
    }
    const rcode = m[1] ?? '?';
    rcodes[rcode] = (rcodes[rcode] ?? 0) + 1;
    if (n === latencies.length) {
      const bigger = new Float64Array(n * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[n++] = Number(m[2]) * 1000;
  }
  const sorted = latencies.subarray(0, n).sort();
  const field = (name: string) => Number(new RegExp(`${name}:\\s+([\\d.]+)`).exec(summary)?.[1] ?? 0);
  return {
    sent: field('Queries sent'),
    completed: field('Queries completed'),
    lost: field('Queries lost'),
    answeredPerSecond: field('Queries completed') / o.seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] ?? 0) : Number.NaN,
    rcodes,
  };
}

export interface TcpProbeResult {
  asked: number;
  answered: number;
  failed: number;
}

/** Every `everyMs`, a fresh TCP connection from `from` asks `name` and waits up to 2 s for the answer. */
export async function tcpProbe(o: {
  port: number;
  from: string;
  name: string;
  everyMs: number;
  signal: AbortSignal;
}) {
  const result: TcpProbeResult = { asked: 0, answered: 0, failed: 0 };
  const query = dnsQuery(o.name);
  const framed = Buffer.concat([Buffer.from([0, query.length]), query]);
  while (!o.signal.aborted) {
    result.asked += 1;
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: o.port, localAddress: o.from });
      const timer = setTimeout(() => finish(false), 2000);
      const finish = (answered: boolean) => {
        clearTimeout(timer);
        s.destroy();
        resolve(answered);
      };
      s.on('connect', () => s.write(framed));
      s.on('data', (d) => finish(d.length >= 2));
      s.on('error', () => finish(false));
      s.on('close', () => finish(false));
    });
    if (ok) result.answered += 1;
    else result.failed += 1;
    await sleep(o.everyMs);
  }
  return result;
}
