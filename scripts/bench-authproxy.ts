// `./pnpmw bench:authproxy`: wrk against Horizon auth's check (as Envoy Gateway sends it) beside a
// bare fastify route answering 200, in the same run, alternating: with a valid session (the cookie
// store), and, on a second Horizon auth with the Redis store, a script's app password (HTTP Basic)
// and a LAN client that passes without a login. The servers run as their own processes pinned to
// core 0, wrk on core 1; the development provider (for the logins), the contract gateways and
// redis-server live beside them. Loopback only.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Browser,
  DEV_ACCOUNTS,
  freePort,
  IDENTITY_HEADERS,
  imageEntrypoint,
  startDevProvider,
  startEnvoyGateway,
  startRedis,
  tcpOpen,
  waitFor,
} from '@horizon/test/harness';
import { cpuSeconds, statusMiB } from './bench/proc.ts';
import { startPageViewer } from './bench/viewer.ts';
import { type WrkResult, wrk } from './bench/wrk.ts';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    'node-flags': { type: 'string' },
    built: { type: 'boolean', default: false },
    // Fetch the cookie-store server's status page every this many seconds during the runs (0: never).
    'status-page': { type: 'string', default: '0' },
  },
});
const seconds = Number(flags.seconds);
const rounds = Number(flags.rounds);
const connections = Number(flags.connections);
const root = join(import.meta.dirname, '..');
// Both servers get the same V8 flags: by default the authproxy image's (its Dockerfile ENTRYPOINT).
const nodeFlags =
  flags['node-flags'] === undefined
    ? imageEntrypoint('authproxy').filter((a) => a.startsWith('--max-'))
    : flags['node-flags'].split(' ').filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'horizon-bench-auth-'));
const children: ChildProcess[] = [];
type Side = 'bare' | 'auth' | 'app-password' | 'lan';
const SIDES: Side[] = ['bare', 'auth', 'app-password', 'lan'];
const LABEL: Record<Side, string> = {
  bare: 'bare fastify route (200)',
  auth: 'Horizon auth check (valid session)',
  'app-password': 'Horizon auth check (app password, Basic)',
  lan: 'Horizon auth check (LAN client, no login)',
};
type Run = WrkResult & { cpuUs: number };

const startPinned = async (name: string, args: string[], port: number): Promise<number> => {
  const child = spawn('taskset', ['-c', '0', process.execPath, ...nodeFlags, ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  await waitFor(name, async () => (await tcpOpen('127.0.0.1', port)) || undefined, {
    timeoutMs: 15_000,
    intervalMs: 50,
  });
  return child.pid as number;
};

if (flags.built && spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  throw new Error('pnpm build failed');
}
const authMain = flags.built
  ? ['--conditions=production', join(root, 'packages', 'authproxy', 'dist', 'main.js')]
  : [join(root, 'packages', 'authproxy', 'src', 'main.ts')];

const [authPort, opsPort, barePort, gwPort, redisAuthPort, redisOpsPort, redisGwPort] = [
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
];
const app = `http://pdf.localhost:${gwPort}`;
const files = `http://files.localhost:${redisGwPort}`;
const op = await startDevProvider({
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret',
      redirect_uris: [`${app}/oauth2/callback`, `${files}/oauth2/callback`],
    },
  ],
  accounts: DEV_ACCOUNTS,
});
const redis = await startRedis();
const gateways: Awaited<ReturnType<typeof startEnvoyGateway>>[] = [];
try {
  const config = {
    log: { level: 'error' },
    ops: { host: '127.0.0.1', port: opsPort },
    shutdown: { lameDuckSeconds: 0 },
    listen: { host: '127.0.0.1', port: authPort },
    oidc: { issuer: op.issuer, clientId: 'bench', clientSecret: 'bench-secret', allowHttp: true },
    cookie: { name: 'horizon', secure: false, keys: [randomBytes(32).toString('base64url')] },
    policies: [{ name: 'pdf', hosts: ['pdf.localhost'], groups: ['family'], publicPaths: ['/health'] }],
  };
  writeFileSync(join(dir, 'authproxy.json'), JSON.stringify(config));
  // The same service with the Redis store (app passwords need it): a host whose policy takes
  // them, and one whose LAN (127.0.1.0/24) passes without a login.
  const withRedis = {
    ...config,
    ops: { host: '127.0.0.1', port: redisOpsPort },
    listen: { host: '127.0.0.1', port: redisAuthPort },
    session: { store: 'redis', redisUrl: `redis://127.0.0.1:${redis.port}/0` },
    policies: [
      { name: 'files', hosts: ['files.localhost'], groups: ['family'], appPasswords: true },
      { name: 'lan', hosts: ['lan.localhost'], groups: ['family'], networks: ['127.0.1.0/24'] },
    ],
  };
  writeFileSync(join(dir, 'authproxy-redis.json'), JSON.stringify(withRedis));
  const withRedisPid = await startPinned(
    'Horizon auth (Redis store)',
    [...authMain, '--config', join(dir, 'authproxy-redis.json')],
    redisAuthPort,
  );
  const pids: Record<Side, number> = {
    auth: await startPinned('Horizon auth', [...authMain, '--config', join(dir, 'authproxy.json')], authPort),
    bare: await startPinned(
      'bare fastify',
      [join(import.meta.dirname, 'bench', 'bare-fastify.ts'), String(barePort)],
      barePort,
    ),
    'app-password': withRedisPid,
    lan: withRedisPid,
  };

  // One real login through the contract gateway, for a session cookie as a browser holds it.
  for (const [port, auth] of [
    [gwPort, authPort],
    [redisGwPort, redisAuthPort],
  ]) {
    gateways.push(
      await startEnvoyGateway({
        port,
        authUrl: `http://127.0.0.1:${auth}`,
        backendUrl: `http://127.0.0.1:${barePort}`,
        headersToBackend: IDENTITY_HEADERS,
      }),
    );
  }
  const browser = new Browser();
  await browser.signInAs(await browser.navigate(`${app}/`), 'alice');
  const session = browser.cookie('pdf.localhost', 'horizon');
  if (!session) throw new Error('bench: the login gave no session cookie');
  // alice makes an app password on files' page, as a person does, for the script's checks.
  const owner = new Browser();
  await owner.signInAs(await owner.navigate(`${files}/oauth2/app-passwords`), 'alice');
  const draft = new URLSearchParams({ op: 'new', name: 'bench', scope: 'host:files.localhost', days: '0' });
  const made = await owner.submit(await owner.send('GET', `${files}/oauth2/app-passwords?${draft}`));
  const password = /<pre>(hzp_[a-z2-7_]+)<\/pre>/.exec(made.body)?.[1];
  if (!password) throw new Error(`bench: no app password made (${made.status})`);

  // What Envoy Gateway sends for a page load with the deploy examples' headersToExtAuth.
  const headers = {
    Host: 'pdf.localhost',
    Cookie: `horizon=${session}`,
    Accept: 'text/html,application/xhtml+xml',
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-For': '127.0.1.20',
    'X-Request-Id': 'c0ffee00-0000-4000-8000-000000000000',
    'Sec-Fetch-Mode': 'navigate',
    'Sec-Fetch-Site': 'same-origin',
    'Sec-Fetch-Dest': 'document',
  };
  const path = '/files/report.pdf?page=2';
  // A script's request with an app password (curl -u), and a LAN client's, as Envoy sends them.
  const script = {
    Host: 'files.localhost',
    Authorization: `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`,
    Accept: '*/*',
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-For': '127.0.0.20',
    'X-Request-Id': headers['X-Request-Id'],
  };
  // A LAN page load without a session (nor any cookie): no identity to build an answer for.
  const { Cookie: _session, ...browserless } = headers;
  const lan = { ...browserless, Host: 'lan.localhost' };
  const headersOf: Record<Side, Record<string, string>> = {
    bare: headers,
    auth: headers,
    'app-password': script,
    lan,
  };
  const targets: Record<Side, string> = {
    bare: `http://127.0.0.1:${barePort}${path}`,
    auth: `http://127.0.0.1:${authPort}${path}`,
    'app-password': `http://127.0.0.1:${redisAuthPort}${path}`,
    lan: `http://127.0.0.1:${redisAuthPort}${path}`,
  };
  // Requests/s also moves with the machine's other load; the server's own CPU time per request
  // (user + system, from /proc) moves much less, so both are reported.
  const run = async (side: Side, o: { seconds: number; delayMs?: number }): Promise<Run> => {
    const before = cpuSeconds(pids[side]);
    const r = await wrk(targets[side], { core: 1, connections, headers: headersOf[side], dir, ...o });
    if (r.errors > 0 || r.non2xx > 0)
      throw new Error(`bench: ${targets[side]}: ${r.errors} errors, ${r.non2xx} non-2xx`);
    return { ...r, cpuUs: ((cpuSeconds(pids[side]) - before) / r.requests) * 1e6 };
  };
  const viewer = startPageViewer(`http://127.0.0.1:${opsPort}/`, Number(flags['status-page']));
  if (viewer) children.push(viewer.child);
  for (const side of SIDES) await run(side, { seconds: 2 });

  const results: Record<Side, Run[]> = { bare: [], auth: [], 'app-password': [], lan: [] };
  for (let r = 0; r < rounds; r += 1) {
    // Alternate the order, so a slow phase of the machine does not favour one side.
    const order = r % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) results[side].push(await run(side, { seconds }));
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] as number;
  };
  const max = Object.fromEntries(SIDES.map((s) => [s, median(results[s].map((r) => r.rps))])) as Record<
    Side,
    number
  >;
  const cpu = Object.fromEntries(SIDES.map((s) => [s, median(results[s].map((r) => r.cpuUs))])) as Record<
    Side,
    number
  >;
  // A quarter of the auth check's maximum: each connection waits between requests (wrk's delay()).
  const delayMs = Math.max(1, Math.round((connections / (max.auth / 4)) * 1000));
  const quarter = {
    auth: await run('auth', { seconds, delayMs }),
    bare: await run('bare', { seconds, delayMs }),
  };

  const viewed = await viewer?.stop();
  const f = (n: number, d = 0) => n.toFixed(d);
  const row = (label: string, side: Side, r: Run) =>
    `| ${label} | ${LABEL[side]} | ${f(r.rps)} | ${f(r.p50ms, 3)} | ${f(r.p99ms, 3)} | ${f(r.cpuUs, 1)} |`;
  const lines = [
    `Horizon auth: ${flags.built ? 'compiled JavaScript (dist/, --conditions=production)' : 'TypeScript sources (type stripping)'}${nodeFlags.length ? `, node ${nodeFlags.join(' ')}` : ''}; GET ${path}: a session, the cookie store, a ${session.length}-byte session cookie; an app password (Basic) and a LAN client (X-Forwarded-For 127.0.1.20), the Redis store.`,
    '',
    ...(viewed ? [viewed, ''] : []),
    `wrk -t1 -c${connections}, ${seconds} s per run after 2 s warm-ups, ${rounds} alternating rounds; servers on core 0, wrk on core 1.`,
    '',
    '| Run | Server | Requests/s | p50 (ms) | p99 (ms) | server CPU per request (µs) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.bare.flatMap((_b, i) => SIDES.map((s) => row(`max, round ${i + 1}`, s, results[s][i] as Run))),
    row(`paced (${delayMs} ms between requests per connection)`, 'auth', quarter.auth),
    row(`paced (${delayMs} ms between requests per connection)`, 'bare', quarter.bare),
    '',
    '| Ratio | Value |',
    '| --- | --- |',
    ...(['auth', 'app-password', 'lan'] as const).flatMap((s) => [
      `| ${LABEL[s]} / bare fastify, requests/s (medians) | ${(max[s] / max.bare).toFixed(2)} |`,
      `| bare fastify / ${LABEL[s]}, server CPU per request (medians) | ${(cpu.bare / cpu[s]).toFixed(2)} |`,
    ]),
    `| Horizon auth p99 at ${f(quarter.auth.rps)} req/s (${((quarter.auth.rps / max.auth) * 100).toFixed(0)}% of its maximum) | ${f(quarter.auth.p99ms, 3)} ms |`,
    `| Peak resident memory, Horizon auth (cookie / Redis store) / bare fastify | ${f(statusMiB(pids.auth, 'VmHWM'))} / ${f(statusMiB(withRedisPid, 'VmHWM'))} / ${f(statusMiB(pids.bare, 'VmHWM'))} MiB |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  for (const g of gateways) await g.close();
  for (const child of children) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
  await op.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
