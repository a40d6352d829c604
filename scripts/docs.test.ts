import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsQuery, freePort, udpExchange, waitFor } from '@horizon/test/harness';
import { expect, it } from 'vitest';
import { tables } from './docs.ts';

// Every README's config table is the one its schema generates (`./pnpmw docs:config` rewrites them).
it.each(Object.entries(tables))(
  'the %s README documents every config key as its schema defines it',
  (name, { readme, table }) => {
    const text = readFileSync(join(import.meta.dirname, '..', readme), 'utf8');
    const found = new RegExp(`<!-- config:${name} -->\\n([\\s\\S]*?)\\n<!-- /config:${name} -->`).exec(
      text,
    )?.[1];
    expect(found).toBe(table);
  },
);

// The DNS README's "from a clone" command, run as written (its port moved to a free one): on a
// fresh machine the system's Node cannot run the sources, so the command must go through ./pnpmw.
it('packages/dns/README.md: the command to run Horizon DNS from a clone works as written', async () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'packages', 'dns', 'README.md'), 'utf8');
  const block = /<!-- run:dns -->\n```sh\n([\s\S]*?)```\n<!-- \/run:dns -->/.exec(readme)?.[1];
  expect(block).toMatch(/\.\/pnpmw dns\n$/);
  // As written it listens on loopback only, so copying it never opens a resolver to the network.
  expect(block).toContain('HORIZON_LISTEN_ADDRESSES=127.0.0.1');
  expect(block).toContain('HORIZON_OPS_HOST=127.0.0.1');
  const port = await freePort();
  const ops = await freePort();
  const command =
    block?.replace(
      'HORIZON_LISTEN_PORT=5300',
      `HORIZON_LISTEN_PORT=${port} HORIZON_OPS_PORT=${ops} HORIZON_SHUTDOWN_LAME_DUCK_SECONDS=0`,
    ) ?? '';
  const child = spawn('bash', ['-c', command], {
    cwd: join(import.meta.dirname, '..'),
    stdio: 'ignore',
  });
  try {
    // Until the manifests have loaded the service answers SERVFAIL; wait for a NOERROR answer.
    const answer = await waitFor(
      'an answer from the index',
      async () => {
        const reply = await udpExchange('127.0.0.1', port, dnsQuery('id.home.example.com'));
        return reply && (reply[3] ?? 0) % 16 === 0 ? reply : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(answer.subarray(-4)).toEqual(Buffer.from([10, 90, 3, 202]));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

// The same for the auth service: it starts and is ready without a reachable provider.
it('packages/authproxy/README.md: the command to run Horizon auth from a clone works as written', async () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'packages', 'authproxy', 'README.md'), 'utf8');
  const block = /<!-- run:authproxy -->\n```sh\n([\s\S]*?)```\n<!-- \/run:authproxy -->/.exec(readme)?.[1];
  expect(block).toMatch(/\.\/pnpmw authproxy\n$/);
  expect(block).toContain('HORIZON_LISTEN_HOST=127.0.0.1');
  const ops = await freePort();
  const command = `HORIZON_LISTEN_PORT=${await freePort()} HORIZON_OPS_PORT=${ops} HORIZON_OIDC_TIMEOUT_MS=200 HORIZON_SHUTDOWN_LAME_DUCK_SECONDS=0 ${block}`;
  const child = spawn('bash', ['-c', command], { cwd: join(import.meta.dirname, '..'), stdio: 'ignore' });
  try {
    await waitFor(
      'ready',
      async () => (await fetch(`http://127.0.0.1:${ops}/readyz`).catch(() => undefined))?.status === 200,
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});
