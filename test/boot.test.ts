import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './harness/ports.ts';
import { waitFor } from './harness/wait.ts';

// Both services boot through shared's runService: the same --help, the same one-line config
// errors, the same warning for a HORIZON_ variable no setting reads.
const ROOT = join(import.meta.dirname, '..');
const MAIN = {
  dns: join(ROOT, 'packages', 'dns', 'src', 'main.ts'),
  authproxy: join(ROOT, 'packages', 'authproxy', 'src', 'main.ts'),
};

async function settings(svc: keyof typeof MAIN): Promise<Record<string, string>> {
  const common = {
    HORIZON_OPS_HOST: '127.0.0.1',
    HORIZON_OPS_PORT: String(await freePort()),
    HORIZON_LOG_FORMAT: 'json',
    HORIZON_SHUTDOWN_LAME_DUCK_SECONDS: '0',
  };
  if (svc === 'dns') {
    return {
      ...common,
      HORIZON_ZONES: 'home.example.com',
      HORIZON_ZONE_MISS_MODE: 'nxdomain',
      HORIZON_LISTEN_ADDRESSES: '127.0.0.1',
      HORIZON_LISTEN_PORT: String(await freePort()),
      HORIZON_SOURCE_MANIFESTS: join(ROOT, 'deploy', 'examples'),
    };
  }
  return {
    ...common,
    HORIZON_LISTEN_HOST: '127.0.0.1',
    HORIZON_LISTEN_PORT: String(await freePort()),
    HORIZON_OIDC_ISSUER: 'http://127.0.0.1:9', // nothing there: the service starts all the same
    HORIZON_OIDC_CLIENT_ID: 'pdf',
    HORIZON_OIDC_CLIENT_SECRET: 'pdf-secret',
    HORIZON_OIDC_ALLOW_HTTP: 'true',
    HORIZON_COOKIE_KEYS: randomBytes(32).toString('base64url'),
    HORIZON_COOKIE_SECURE: 'false',
    HORIZON_COOKIE_NAME: 'horizon',
  };
}

function run(svc: keyof typeof MAIN, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN[svc], ...args], {
    env: { PATH: process.env.PATH ?? '', SECRET_DOMAIN: 'home.example.com', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exited };
}

describe.each(['dns', 'authproxy'] as const)('horizon-%s boots through the shared runner', (svc) => {
  it('--help prints the usage and exits 0', async () => {
    const r = run(svc, ['--help'], {});
    expect(await r.exited).toBe(0);
    expect(r.out.stdout).toContain(`Usage: horizon-${svc} [--config FILE]`);
  });

  it('a bad setting is one line naming it, exit 2', async () => {
    const r = run(svc, [], { ...(await settings(svc)), HORIZON_OPS_PORT: 'eighty' });
    expect(await r.exited).toBe(2);
    expect(r.out.stderr.trim()).toBe(
      `horizon-${svc}: config: env HORIZON_OPS_PORT (key ops.port): "eighty" is not a number`,
    );
  });

  it('warns once about a HORIZON_ variable no setting reads, with the closest one, and runs', async () => {
    const env = await settings(svc);
    const r = run(svc, [], { ...env, HORIZON_LOG_LEVLE: 'debug' });
    try {
      const line = await waitFor('the warning', () =>
        r.out.stdout.split('\n').find((l) => l.includes('HORIZON_LOG_LEVLE')),
      );
      expect(JSON.parse(line)).toMatchObject({
        level: 'warn',
        msg: 'HORIZON_LOG_LEVLE is not a setting, ignored (did you mean HORIZON_LOG_LEVEL?)',
        suggestion: 'HORIZON_LOG_LEVEL',
      });
      const ready = `http://127.0.0.1:${env.HORIZON_OPS_PORT}/readyz`;
      await waitFor('ready', async () => (await fetch(ready).catch(() => undefined))?.status === 200);
    } finally {
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
    }
    expect(r.out.stdout.split('\n').filter((l) => l.includes('HORIZON_LOG_LEVLE'))).toHaveLength(1);
  });
});
