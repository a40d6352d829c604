import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dig, spawnDns } from '../helpers.ts';

// The container runs the compiled JavaScript under --conditions=production (no type stripping):
// build it as the image does (this package and what it depends on, not the whole workspace) and
// check that it starts and answers like the sources do.
let dns: Awaited<ReturnType<typeof spawnDns>> | undefined;
beforeAll(async () => {
  const build = spawnSync('pnpm', ['--filter', '@horizon/dns...', 'run', 'build'], {
    cwd: join(import.meta.dirname, '..', '..', '..', '..'),
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`pnpm build failed:\n${build.stdout}\n${build.stderr}`);
  dns = await spawnDns({ unifi: ['unifi.home.example.com'] }, { entry: 'built' });
}, 120_000);
afterAll(async () => {
  dns?.child.kill('SIGTERM');
  await dns?.exited;
});

it('the compiled build starts and answers from the index', async () => {
  const port = dns?.port ?? 0;
  await waitFor(
    'an answer',
    async () => (await dig(port, ['+short', 'unifi.home.example.com'])).trim() === '10.90.3.202',
    { timeoutMs: 10_000 },
  );
  expect(dns?.child.exitCode).toBeNull();
});
