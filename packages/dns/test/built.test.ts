import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, it } from 'vitest';
import { dig, manifests } from './helpers.ts';

// The container runs the compiled JavaScript under --conditions=production (no type stripping):
// build it and check that it starts and answers like the sources do.
const root = join(import.meta.dirname, '..', '..', '..');
let dns: ChildProcess | undefined;
let port: number;
beforeAll(async () => {
  const build = spawnSync('pnpm', ['build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`pnpm build failed:\n${build.stdout}\n${build.stderr}`);
  port = await freePort();
  dns = spawn(
    process.execPath,
    ['--conditions=production', join(root, 'packages', 'dns', 'dist', 'main.js')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HORIZON_ZONES: 'home.example.com',
        HORIZON_ZONE_MISS_MODE: 'nxdomain',
        HORIZON_LISTEN_ADDRESSES: '127.0.0.1',
        HORIZON_LISTEN_PORT: String(port),
        HORIZON_OPS_HOST: '127.0.0.1',
        HORIZON_OPS_PORT: '0',
        HORIZON_LOG_LEVEL: 'warn',
        HORIZON_SOURCE_MANIFESTS: manifests({ unifi: ['unifi.home.example.com'] }),
      },
      stdio: 'ignore',
    },
  );
}, 120_000);
afterAll(async () => {
  dns?.kill('SIGTERM');
  if (dns && dns.exitCode === null) await new Promise((r) => dns?.once('exit', r));
});

it('the compiled build starts and answers from the index', async () => {
  await waitFor(
    'an answer',
    async () => (await dig(port, ['+short', 'unifi.home.example.com'])).trim() === '10.90.3.202',
    { timeoutMs: 10_000 },
  );
});
