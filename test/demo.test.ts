import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allPortsClosed,
  type DemoRun,
  demoPids,
  demoPorts,
  demoUp,
  killDemoLeftovers,
  runDemo,
} from './demo/run.ts';
import { Browser } from './harness/browser.ts';
import { dnsQuery, tcpOpen, udpExchange } from './harness/probes.ts';
import { findProgram } from './harness/programs.ts';
import { rawRequest } from './harness/raw-http.ts';
import { waitFor } from './harness/wait.ts';

// The README's first command, as a user runs it: it comes up whole or stops whole, explains
// itself, and leaves nothing behind (no process, no port, no temporary file).
const script = join(import.meta.dirname, '..', 'scripts', 'demo.ts');
const exec = (args: string[]) =>
  promisify(execFile)(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '' },
    timeout: 20_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

const exec2 = promisify(execFile);

const runs: DemoRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) {
    run.child.kill('SIGKILL');
    await run.exited;
    killDemoLeftovers(run); // a test that failed may have left one; the tests' assertions say so
  }
});
const start = async (options: Parameters<typeof runDemo>[0] = {}) => {
  const run = await runDemo(options);
  runs.push(run);
  return run;
};

describe('./pnpmw demo', () => {
  it('--once prints each hostname with its gateway and address, and counts names, not lines', async () => {
    const { stdout } = await exec(['--once']);
    const rows = stdout.split('\n').map((l) => l.trim().split(/\s+/));
    const row = (host: string, gw: string) => rows.find((r) => r[0] === host && r[1] === gw);
    expect(stdout).toContain('Horizon: 5 hostnames from');
    expect(stdout).toContain('id.home.example.com is on more than one gateway, a line each');
    expect(row('id.home.example.com', 'network/internal')?.[2]).toBe('10.90.3.202');
    expect(row('id.home.example.com', 'network/external')?.[2]).toBe('10.90.3.201');
    expect(row('pdf.home.example.com', 'network/external')?.[2]).toBe('10.90.3.201');
    expect(row('pdf.home.example.com', 'network/internal')).toBeUndefined();
    for (const app of ['unifi', 'truenas', 'voron'])
      expect(row(`${app}.home.example.com`, 'network/internal')?.[2]).toBe('10.90.3.202');
  });

  it('--help lists every flag with its default and exits 0; an unknown flag prints the usage, exit 2', async () => {
    const help = await exec(['--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      '--once',
      '--manifests DIR',
      '--upstream IP[:PORT]',
      '--dns-port PORT',
      '--op-port PORT',
    ])
      expect(help.stdout).toContain(flag);
    expect(help.stdout).toContain('(default 1411)');
    const bad = await exec(['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("demo: Unknown option '--bogus'");
    expect(bad.stderr).toContain('Usage: ./pnpmw demo');
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('comes up whole, removes its configs once read, answers, and stops clean on Ctrl-C', async () => {
    const run = await start({ env: { PATH: '/nonexistent' } }); // a fresh machine: no dig
    await demoUp(run);
    expect(run.output()).toContain('dig is not installed here: sudo apt-get install bind9-dnsutils');
    // Nor redis-server: cookie sessions, and no app-passwords host, said once.
    expect(run.output()).toContain('redis-server is not installed (./pnpmw programs)');
    expect(await tcpOpen('127.0.0.1', run.ports['redis-port'], 200)).toBe(false);
    expect(readdirSync(run.tmp)).toEqual([]); // the configs with the cookie key are gone
    const answer = await udpExchange('127.0.0.1', run.ports['dns-port'], dnsQuery('id.home.example.com'));
    expect(answer?.subarray(-4)).toEqual(Buffer.from([10, 90, 3, 202]));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).not.toContain('ELIFECYCLE');
    expect(await allPortsClosed(run.ports)).toBe(true);
  });

  it("the second host: bob's app password works with curl -u until he revokes it; the LAN passes with no user", async () => {
    const run = await start();
    await demoUp(run);
    expect(run.output()).toContain(`Sessions in Redis on 127.0.0.1:${run.ports['redis-port']}`);
    const files = `http://files.localhost:${run.ports['gateway-port']}`;
    const browser = new Browser();
    const page = await browser.signInAs(await browser.navigate(`${files}/oauth2/app-passwords`), 'bob');
    expect(page.body).toContain('Signed in as <b>bob</b>');
    const query = new URLSearchParams({
      op: 'new',
      name: 'backup script',
      scope: 'host:files.localhost',
      days: '0',
    });
    const made = await browser.submit(await browser.send('GET', `${files}/oauth2/app-passwords?${query}`));
    const password = /<pre>(hzp_[a-z2-7_]+)<\/pre>/.exec(made.body)?.[1] as string;
    expect(made.body).toContain(`curl -u bob:${password} ${files}/`);
    // What `curl -u bob:PASSWORD` sends.
    const curl = (authorization?: string, from?: string) =>
      rawRequest({
        port: run.ports['gateway-port'],
        target: '/',
        headers: [
          ['Host', new URL(files).host],
          ...(authorization ? [['Authorization', authorization]] : []),
        ] as [string, string][],
        ...(from ? { from } : {}),
      });
    const basic = `Basic ${Buffer.from(`bob:${password}`).toString('base64')}`;
    const ok = await curl(basic);
    expect([ok.status, JSON.parse(ok.body).headers['x-auth-request-user']]).toEqual([200, 'bob']);
    const lan = await curl(undefined, '127.0.1.5');
    expect([lan.status, JSON.parse(lan.body).headers['x-auth-request-access']]).toEqual([200, 'network']);
    expect((await curl()).status).toBe(401);
    const list = await browser.send('GET', `${files}/oauth2/app-passwords`);
    const revoke = /<form method="post" action="([^"]*op=revoke[^"]*)"/.exec(list.body)?.[1] as string;
    await browser.send('POST', new URL(revoke.replaceAll('&#38;', '&'), `${files}/`).href, {
      body: '',
      site: 'same-origin',
    });
    expect((await curl(basic)).status).toBe(401);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(await allPortsClosed(run.ports)).toBe(true);
  });

  it("answers the examples' other names: the Gateway's own, a LoadBalancer Service, a DNSEndpoint, the design's node records", async () => {
    const run = await start();
    await demoUp(run);
    const dig = findProgram('dig', 'bind9-dnsutils');
    const ask = async (...args: string[]) =>
      (
        await exec2(dig, [
          '+short',
          '+time=2',
          '+tries=1',
          '-p',
          String(run.ports['dns-port']),
          '@127.0.0.1',
          ...args,
        ])
      ).stdout.trim();
    expect(await ask('internal.home.example.com')).toBe('10.90.3.202');
    expect(await ask('mqtt.home.example.com')).toBe('10.90.3.210');
    expect(await ask('_mqtt._tcp.home.example.com', 'SRV')).toBe('0 0 1883 mqtt.home.example.com.');
    expect(await ask('broker.home.example.com')).toBe('mqtt.home.example.com.\n10.90.3.210');
    for (const n of [1, 2, 3]) expect(await ask(`stanton-0${n}.internal`)).toBe(`10.90.3.10${n}`);
    expect(await ask('-x', '10.90.3.101')).toBe('stanton-01.internal.');
    expect(await ask('-x', '10.90.3.210')).toBe('mqtt.home.example.com.');
    expect(run.output()).toContain('dig -p');
    expect(run.output()).toContain('stanton-01.internal');
  });

  it('SIGKILL of the demo takes its services down with it', async () => {
    const run = await start();
    await demoUp(run);
    run.child.kill('SIGKILL');
    await run.exited;
    // The services notice their pipe to the demo closing and shut down (no timer to wait out).
    await waitFor('the services to stop', () => allPortsClosed(run.ports), {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    // Closed ports are not enough: a service hung in its exit has closed them all.
    await waitFor('the services to exit', () => demoPids(run).length === 0, {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
  });

  it('a demo whose reader goes with it (a test ending, a closed terminal) leaves no service behind', async () => {
    const run = await start();
    await demoUp(run);
    expect(demoPids(run)).toHaveLength(3); // DNS, auth, Redis's holder
    // The services write to the demo's output: nobody reads it from now on.
    run.child.stdout?.destroy();
    run.child.stderr?.destroy();
    run.child.kill('SIGKILL');
    await run.exited;
    // They shut down logging into a pipe nobody reads; pino's flush at exit used to retry that
    // write forever, and the authproxy or DNS lived on with PPID 1 (most runs, not all).
    await waitFor('the services to exit', () => demoPids(run).length === 0, {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(await allPortsClosed(run.ports)).toBe(true);
  });

  it('a setting a service refuses stops the whole demo with the reason, exit 1, nothing left', async () => {
    const run = await start({ env: { HORIZON_TTL: 'abc' } });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('horizon-dns: config: env HORIZON_TTL (key ttl): "abc" is not a number');
    expect(run.output()).toContain('demo: Horizon DNS exited during start (exit code 2); the demo stops.');
    expect(run.output()).not.toContain('Try:');
    expect(await allPortsClosed(run.ports)).toBe(true);
    expect(readdirSync(run.tmp)).toEqual([]);
  });

  it('taken ports and variables that would fight the demo are all named before anything starts', async () => {
    const ports = await demoPorts();
    const holders = [ports['op-port'], ports['gateway-port']].map((p) =>
      createServer().listen(p, '127.0.0.1'),
    );
    try {
      const run = await start({
        ports,
        env: { HORIZON_LISTEN_PORT: '5353', HORIZON_OIDC_ISSUER: 'http://x' },
      });
      expect(await run.exited).toBe(1);
      const out = run.output();
      expect(out).toContain(`127.0.0.1:${ports['op-port']} (TCP) is already in use`);
      expect(out).toContain(`127.0.0.1:${ports['gateway-port']} (TCP) is already in use`);
      expect(out).toContain(
        'demo: HORIZON_LISTEN_PORT would override listen.port, which the demo sets itself; use --dns-port and --auth-port',
      );
      expect(out).toContain('demo: HORIZON_OIDC_ISSUER would override oidc.issuer');
      expect(out).not.toContain('HOSTNAME'); // nothing printed as if it were starting
    } finally {
      for (const h of holders) h.close();
    }
  });

  it('a taken port is one line naming the port and the flag that moves it', async () => {
    const ports = await demoPorts();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(ports['op-port'], '127.0.0.1', () => r()));
    try {
      const run = await start({ ports });
      expect(await run.exited).toBe(1);
      const lines = run.output().trim().split('\n');
      expect(lines.at(-1)).toBe(
        `demo: 127.0.0.1:${ports['op-port']} (TCP) is already in use, and the development OpenID Provider needs it. ` +
          'Stop what holds it (another demo?) or move it with --op-port PORT (default 1411).',
      );
      expect(run.output()).not.toMatch(/EADDRINUSE|\n\s+at /);
    } finally {
      holder.close();
    }
  });

  it('a HORIZON_ variable neither service reads is named once, with the closest setting', async () => {
    const run = await start({ env: { HORIZON_TTLL: '60' } });
    await demoUp(run);
    const said = run
      .output()
      .split('\n')
      .filter((l) => l.includes('HORIZON_TTLL'));
    expect(said).toEqual(['demo: HORIZON_TTLL is not a setting, ignored (did you mean HORIZON_TTL?)']);
  });
});
