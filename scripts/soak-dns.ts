// `./pnpmw soak:dns`: Horizon DNS as its image runs it (the compiled build, the Dockerfile's V8
// flags, the Deployment's memory limit as a cgroup), under legitimate dnsperf load first alone and
// then beside hostile TCP clients and misbehaving upstreams (plain, and DNS over TLS through a forwarding rule). Reports legitimate answers lost, p99
// latency, peak memory and whether the process lived, as Markdown for BENCHMARKS.md. Loopback only;
// every loop ends with the run. Not a test: the numbers are measurements, the goal is issue 12's.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  freePort,
  imageEntrypoint,
  makeTestPki,
  removeScratch,
  scratchDir,
  startDnsmasq,
  startFakeUpstream,
  waitFor,
} from '@horizon/test/harness';
import { schedSeconds, statusMiB } from './bench/proc.ts';
import { startHostileDot } from './soak/dot-upstream.ts';
import { writeFixtures } from './soak/fixtures.ts';
import { dnsperf, tcpProbe } from './soak/legit.ts';
import { deploymentMemoryLimit, limitMemory } from './soak/memory-limit.ts';
import { report, type SoakResult } from './soak/report.ts';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    baseline: { type: 'string', default: '30' },
    rate: { type: 'string', default: '2000' },
    'skip-build': { type: 'boolean', default: false },
    core: { type: 'string', default: '0' },
  },
});
const seconds = Number(flags.seconds);
const root = join(import.meta.dirname, '..');
const other = flags.core === '0' ? 1 : 0;
spawnSync('taskset', ['-p', '-c', String(other), String(process.pid)], { stdio: 'ignore' }); // all but Horizon
if (!flags['skip-build'] && spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  throw new Error('pnpm build failed');
}

const dir = scratchDir('soak');
writeFixtures(dir);

const upstream = await startFakeUpstream({ slowMs: 1500 });
const fallback = await startDnsmasq(['address=/#/127.0.0.98', 'local-ttl=60'], { host: '127.0.0.5' });
// dot.test names go by a forwarding rule to a DNS-over-TLS upstream that misbehaves too.
const pki = makeTestPki([{ name: 'dot.test', ip: '127.0.0.1' }]);
const dot = await startHostileDot(pki);
const [port, ops] = [await freePort(), await freePort()];
writeFileSync(
  join(dir, 'dns.yaml'),
  `listen: { addresses: [127.0.0.1], port: ${port} }
ops: { host: 127.0.0.1, port: ${ops} }
log: { level: warn }
shutdown: { lameDuckSeconds: 0 }
zones: [home.example.com]
zoneMiss: { mode: nxdomain }
acl: { allow: [127.0.0.0/24, 127.0.1.0/24] }
forward:
  upstreams: ["127.0.0.1:${upstream.port}", "127.0.0.5:${fallback.port}"]
  rules: [{ domains: [dot.test], upstreams: ["tls://127.0.0.1:${dot.port}#dot.test"] }]
  tls: { caFile: ${pki.caFile} }
source: { manifests: ${join(dir, 'manifests')} }
`,
);

const limitBytes = deploymentMemoryLimit();
const [node, ...entry] = [process.execPath, ...imageEntrypoint('dns')];
const cgroup = limitMemory(limitBytes);
let logLines = 0;
const horizon = spawn(
  'sh',
  [
    '-c',
    `${cgroup.enter}exec taskset -c ${Number(flags.core)} "$@"`,
    'sh',
    node,
    ...entry,
    '--config',
    join(dir, 'dns.yaml'),
  ],
  { cwd: join(root, 'packages', 'dns'), stdio: ['ignore', 'pipe', 'pipe'] },
);
const logged = new Map<string, number>();
horizon.stdout?.on('data', (d: Buffer) => {
  for (const line of d.toString().split('\n').filter(Boolean)) {
    logLines += 1;
    const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 80);
    logged.set(msg, (logged.get(msg) ?? 0) + 1);
  }
});
horizon.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
const metricsText = () => fetch(`http://127.0.0.1:${ops}/metrics`).then((r) => r.text());
let attacker: ChildProcess | undefined;
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
let peakRss = 0;
const sampler = setInterval(() => {
  if (horizon.exitCode === null) peakRss = Math.max(peakRss, statusMiB(horizon.pid, 'VmRSS'));
}, 200);

try {
  await waitFor('Horizon ready', async () => (await fetch(`http://127.0.0.1:${ops}/readyz`)).status === 200, {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
  const load = (s: number) =>
    dnsperf({
      port,
      file: join(dir, 'queries.txt'),
      seconds: s,
      rate: Number(flags.rate),
      core: other,
      from: '127.0.0.2',
    });
  const rssStart = statusMiB(horizon.pid, 'VmRSS');
  const pid = horizon.pid as number;
  const sched0 = schedSeconds(pid);
  const baseline = await load(Number(flags.baseline));
  const sched1 = schedSeconds(pid);
  const rssBaseline = peakRss;

  const stop = new AbortController();
  const attack = spawn(
    'nice',
    ['-n', '10', node, join(import.meta.dirname, 'soak', 'attack.ts'), '127.0.0.1', String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let attackOutput = '';
  attacker = attack;
  attack.stdout?.on('data', (d: Buffer) => (attackOutput += d.toString()));
  await waitFor('the attackers', () => attackOutput.includes('attacking'), { timeoutMs: 10_000 });
  const probe = tcpProbe({
    port,
    from: '127.0.0.3',
    name: 'id.home.example.com',
    everyMs: 200,
    signal: stop.signal,
  });
  await sleep(3000); // the attackers at full strength before the measured run
  const sched2 = schedSeconds(pid);
  const attacked = await load(seconds);
  const sched3 = schedSeconds(pid);
  stop.abort();
  attack.kill('SIGTERM');
  await new Promise((r) => attack.once('exit', r));
  const hostile = JSON.parse(attackOutput.split('\n').filter(Boolean).pop() ?? '{}') as SoakResult['hostile'];
  const tcp = await probe;
  await sleep(10_000); // idle: what the attack left behind
  const alive = horizon.exitCode === null && (await fetch(`http://127.0.0.1:${ops}/healthz`)).ok;
  process.stdout.write(
    report({
      seconds,
      baselineSeconds: Number(flags.baseline),
      rate: Number(flags.rate),
      flags: entry.filter((a) => a.startsWith('--max')),
      limitBytes,
      enforced: cgroup.enforced,
      baseline,
      attacked,
      tcp,
      hostile,
      memory: {
        startMiB: rssStart,
        baselinePeakMiB: rssBaseline,
        peakMiB: peakRss,
        hwmMiB: alive ? statusMiB(horizon.pid, 'VmHWM') : Number.NaN,
        afterMiB: alive ? statusMiB(horizon.pid, 'VmRSS') : Number.NaN,
        cgroupPeakMiB: cgroup.peakBytes() / 1048576,
        oomKills: cgroup.oomKills(),
      },
      cpu: {
        alone: { ran: sched1.ran - sched0.ran, waited: sched1.waited - sched0.waited },
        attacked: { ran: sched3.ran - sched2.ran, waited: sched3.waited - sched2.waited },
      },
      alive,
      logLines,
      logged: [...logged].map(([m, n]) => `${m} (${n})`).join('; '),
      metrics: alive ? await metricsText() : '',
    }),
  );
} finally {
  await cleanup();
}

/** Stops what the soak started and removes what it made; also on Ctrl-C. */
async function cleanup(): Promise<void> {
  clearInterval(sampler);
  attacker?.kill('SIGTERM');
  if (horizon.exitCode === null) {
    horizon.kill('SIGTERM');
    await new Promise((r) => horizon.once('exit', r));
  }
  cgroup.remove();
  await upstream.stop();
  await fallback.stop();
  await dot.stop();
  pki.remove();
  removeScratch(dir);
}
