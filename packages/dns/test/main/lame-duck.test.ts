import { waitFor } from '@horizon/test/harness';
import { expect, it } from 'vitest';
import { dig, spawnDns } from '../helpers.ts';

it('on SIGTERM: /readyz turns 503 at once, answers continue through the lame-duck period, then exit 0', async () => {
  const dns = await spawnDns(
    { unifi: ['unifi.home.example.com'] },
    { env: { HORIZON_SHUTDOWN_LAME_DUCK_SECONDS: '2' } },
  );
  await waitFor('ready', async () => (await fetch(`http://127.0.0.1:${dns.ops}/readyz`)).status === 200, {
    timeoutMs: 10_000,
  });
  dns.child.kill('SIGTERM');
  await waitFor('not ready', async () => (await fetch(`http://127.0.0.1:${dns.ops}/readyz`)).status === 503, {
    timeoutMs: 1000,
  });
  expect((await dig(dns.port, ['+short', 'unifi.home.example.com'])).trim()).toBe('10.90.3.202'); // still answering
  expect(await dns.exited).toBe(0);
});
