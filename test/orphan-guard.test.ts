import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// The demo's promise that its services never outlive it rests on scripts/demo/orphan-guard.ts:
// the demo's end closes each service's stdin, and the guard turns that into SIGTERM, with a
// watchdog for a shutdown that hangs on the main thread. The service here is shared's shutdown
// alone (packages/shared/test/fixtures/last-lines.ts).
const ROOT = join(import.meta.dirname, '..');
const GUARD = join(ROOT, 'scripts', 'demo', 'orphan-guard.ts');
const SERVICE = join(ROOT, 'packages', 'shared', 'test', 'fixtures', 'last-lines.ts');

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = once(child, 'exit');
    child.kill('SIGKILL');
    await gone;
  }
});

async function guarded(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', GUARD, SERVICE, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
  });
  children.push(child);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  await once(child, 'message'); // its signal handlers are in place
  return { child, exited, output: () => output };
}

describe('the orphan guard', () => {
  it('the demo gone (stdin closed), the service shuts down as on SIGTERM and exits 0', async () => {
    const { child, exited, output } = await guarded([]);
    child.stdin?.end();
    expect(await exited).toEqual([0, null]);
    expect(output()).toContain('"msg":"stopped"');
  });

  it('a service whose shutdown hangs on its main thread is SIGKILLed by the watchdog', async () => {
    const { child, exited } = await guarded(['stuck-exit'], { ORPHAN_GUARD_DEADLINE_MS: '200' });
    child.stdin?.end();
    expect(await exited).toEqual([null, 'SIGKILL']);
  });
});
