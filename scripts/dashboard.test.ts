import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type RunningProgram, startRedis, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARD_FILE, dashboard, dashboardText } from './dashboard.ts';

// The dashboard and the alerts name only metrics the services really export: both services are
// started as processes (DNS over the example manifests, auth with Redis sessions so the store's
// metric exists) and their /metrics read.
const root = join(import.meta.dirname, '..');
const children: ChildProcess[] = [];
let redis: RunningProgram;
const exported = new Set<string>();

async function scrape(main: string, env: Record<string, string>, ops: number): Promise<void> {
  const child = spawn(process.execPath, [join(root, main)], {
    env: {
      PATH: process.env.PATH ?? '',
      HORIZON_OPS_HOST: '127.0.0.1',
      HORIZON_OPS_PORT: String(ops),
      HORIZON_LOG_LEVEL: 'warn',
      HORIZON_SHUTDOWN_LAME_DUCK_SECONDS: '0',
      ...env,
    },
    stdio: 'ignore',
  });
  children.push(child);
  const text = await waitFor(
    'metrics',
    async () => {
      const res = await fetch(`http://127.0.0.1:${ops}/metrics`).catch(() => undefined);
      return res?.status === 200 ? res.text() : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    exported.add(name ?? '');
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(`${name}${s}`);
  }
}

beforeAll(async () => {
  redis = await startRedis();
  await scrape(
    'packages/dns/src/main.ts',
    {
      HORIZON_ZONES: 'home.example.com',
      HORIZON_ZONE_MISS_MODE: 'nxdomain',
      HORIZON_LISTEN_ADDRESSES: '127.0.0.1',
      HORIZON_LISTEN_PORT: String(await freePort()),
      HORIZON_SOURCE_MANIFESTS: join(root, 'deploy', 'examples'),
      HORIZON_FORWARD_UPSTREAMS: '127.0.0.1:9', // a forward pool, so its metrics exist (never asked here)
      SECRET_DOMAIN: 'home.example.com',
    },
    await freePort(),
  );
  await scrape(
    'packages/authproxy/src/main.ts',
    {
      HORIZON_LISTEN_HOST: '127.0.0.1',
      HORIZON_LISTEN_PORT: String(await freePort()),
      HORIZON_OIDC_ISSUER: 'http://127.0.0.1:9',
      HORIZON_OIDC_ALLOW_HTTP: 'true',
      HORIZON_OIDC_CLIENT_ID: 'horizon',
      HORIZON_COOKIE_KEYS: randomBytes(32).toString('base64url'),
      HORIZON_COOKIE_SECURE: 'false',
      HORIZON_COOKIE_NAME: 'horizon',
      HORIZON_SESSION_STORE: 'redis',
      HORIZON_SESSION_REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    },
    await freePort(),
  );
}, 60_000);

afterAll(async () => {
  for (const c of children) {
    c.kill('SIGTERM');
    if (c.exitCode === null) await new Promise((r) => c.once('exit', r));
  }
  await redis?.stop();
});

const metricsIn = (text: string) => [...new Set(text.match(/\bhorizon_[a-z_]+\b/g) ?? [])];

describe('monitoring', () => {
  it('the committed dashboard is what scripts/dashboard.ts generates (./pnpmw dashboard)', () => {
    expect(readFileSync(DASHBOARD_FILE, 'utf8')).toBe(dashboardText());
  });

  it("the dashboard's queries name only exported metrics", () => {
    const queries = JSON.stringify(dashboard());
    const names = metricsIn(queries);
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((n) => !exported.has(n))).toEqual([]);
  });

  it("the alerts' expressions name only exported metrics, and each alert has a runbook entry", () => {
    const rule = parse(
      readFileSync(
        join(root, 'deploy', 'kubernetes', 'bases', 'horizon-monitoring', 'prometheusrule.yaml'),
        'utf8',
      ),
    ) as {
      spec: { groups: { rules: { alert: string; expr: string; annotations: { runbook_url: string } }[] }[] };
    };
    const rules = rule.spec.groups.flatMap((g) => g.rules);
    expect(rules.flatMap((r) => metricsIn(r.expr)).filter((n) => !exported.has(n))).toEqual([]);
    const runbook = readFileSync(join(root, 'docs', 'troubleshooting.md'), 'utf8');
    for (const r of rules) {
      const anchor = r.alert.toLowerCase();
      expect(r.annotations.runbook_url).toMatch(new RegExp(`docs/troubleshooting\\.md#${anchor}$`));
      expect(runbook, `a "### ${r.alert}" entry in docs/troubleshooting.md`).toContain(`### ${r.alert}\n`);
    }
  });
});
