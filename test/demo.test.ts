import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The README's first command, as a user runs it (minus the interactive part: --once).
it('the demo loads deploy/examples and prints each hostname with its gateway and address', async () => {
  const script = join(import.meta.dirname, '..', 'scripts', 'demo.ts');
  const { stdout } = await promisify(execFile)(process.execPath, [script, '--once'], {
    env: { PATH: process.env.PATH ?? '' },
    timeout: 20_000,
  });
  const rows = stdout.split('\n').map((l) => l.trim().split(/\s+/));
  const row = (host: string, gw: string) => rows.find((r) => r[0] === host && r[1] === gw);
  expect(stdout).toContain('6 hostnames');
  expect(row('id.home.example.com', 'network/internal')?.[2]).toBe('10.90.3.202');
  expect(row('id.home.example.com', 'network/external')?.[2]).toBe('10.90.3.201');
  expect(row('pdf.home.example.com', 'network/external')?.[2]).toBe('10.90.3.201');
  expect(row('pdf.home.example.com', 'network/internal')).toBeUndefined();
  for (const app of ['unifi', 'truenas', 'voron'])
    expect(row(`${app}.home.example.com`, 'network/internal')?.[2]).toBe('10.90.3.202');
});
