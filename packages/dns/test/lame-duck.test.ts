import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from '@horizon/test/harness';
import { expect, it } from 'vitest';
import { dig, manifests } from './helpers.ts';

it('on SIGTERM: /readyz turns 503 at once, answers continue through the lame-duck period, then exit 0', async () => {
  const port = await freePort();
  const ops = await freePort();
  const dns = spawn(process.execPath, [join(import.meta.dirname, '..', 'src', 'main.ts')], {
    env: {
      PATH: process.env.PATH ?? '',
      HORIZON_ZONES: 'home.example.com',
      HORIZON_ZONE_MISS_MODE: 'nxdomain',
      HORIZON_LISTEN_ADDRESSES: '127.0.0.1',
      HORIZON_LISTEN_PORT: String(port),
      HORIZON_OPS_HOST: '127.0.0.1',
      HORIZON_OPS_PORT: String(ops),
      HORIZON_LOG_LEVEL: 'warn',
      HORIZON_SHUTDOWN_LAME_DUCK_SECONDS: '2',
      HORIZON_SOURCE_MANIFESTS: manifests({ unifi: ['unifi.home.example.com'] }),
    },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => dns.once('exit', (code) => resolve(code)));
  await waitFor('ready', async () => (await fetch(`http://127.0.0.1:${ops}/readyz`)).status === 200, {
    timeoutMs: 10_000,
  });
  dns.kill('SIGTERM');
  await waitFor('not ready', async () => (await fetch(`http://127.0.0.1:${ops}/readyz`)).status === 503, {
    timeoutMs: 1000,
  });
  expect((await dig(port, ['+short', 'unifi.home.example.com'])).trim()).toBe('10.90.3.202'); // still answering
  expect(await exited).toBe(0);
});
