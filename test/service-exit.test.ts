import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// A service's exit, with shared's logger and shutdown alone (fixtures/last-lines.ts), and the
// demo's orphan guard around it. The demo's services write to the demo's own output; a test (or
// a terminal, or `| head`) that reads it goes away with the demo, and the services then shut
// down writing "shutting down" and "stopped" into a pipe nobody reads. pino flushes what is left
// synchronously on process.exit, and sonic-boom 4 retried the failed write forever: the process
// hung in its exit, holding no port, with PPID 1, for good.
const ROOT = join(import.meta.dirname, '..');
const SERVICE = join(import.meta.dirname, 'fixtures', 'last-lines.ts');
const GUARD = join(ROOT, 'scripts', 'demo', 'orphan-guard.ts');

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = once(child, 'exit');
    child.kill('SIGKILL');
    await gone;
  }
});

/** Starts the service (under the demo's guard with `guard`), resolved once its signal handlers are in place. */
async function start(o: { args?: string[]; guard?: boolean; env?: Record<string, string> } = {}) {
  const guard = o.guard ? ['--import', GUARD] : [];
  const child = spawn(process.execPath, [...guard, SERVICE, ...(o.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...o.env },
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  await once(child, 'message');
  return { child, exited, output: () => output };
}

describe('the last lines of a service', () => {
  it('reach a reader that is there: SIGTERM, "stopped", exit 0', async () => {
    const { child, exited, output } = await start();
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    const messages = output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).msg);
    // "stopped" is flushed synchronously by the exit; "shutting down" may still be on its way
    // then (sonic-boom writes on the thread pool), so its place, even its arrival, is not ours.
    expect(messages).toContain('stopped');
  });

  it('do not keep the process alive when nobody reads them any more', async () => {
    const { child, exited } = await start();
    // The reader goes first, as the test that ran a demo does when it ends.
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.kill('SIGTERM');
    // "shutting down" is being written (and fails) while "stopped" waits its turn: the exit
    // flushes it into the closed pipe. Before the fix, this never resolved.
    const [code, signal] = await exited;
    expect(signal).toBeNull();
    expect(code).not.toBeNull();
  });

  it('a process whose exit hangs anyway still dies of the next SIGTERM (the signal handlers are gone)', async () => {
    const { child, exited, output } = await start({ args: ['stuck-exit'] });
    const said = new Promise<void>((resolve) =>
      child.stdout?.on('data', () => output().includes('exiting\n') && resolve()),
    );
    child.kill('SIGTERM');
    await said;
    child.kill('SIGTERM');
    expect(await exited).toEqual([null, 'SIGTERM']);
  });
});

describe("the demo's orphan guard", () => {
  it('the demo gone (stdin closed), the service shuts down as on SIGTERM and exits 0', async () => {
    const { child, exited, output } = await start({ guard: true });
    child.stdin?.end();
    expect(await exited).toEqual([0, null]);
    expect(output()).toContain('"msg":"stopped"');
  });

  it('a service whose shutdown hangs on its main thread is SIGKILLed by the watchdog', async () => {
    const { child, exited } = await start({
      guard: true,
      args: ['stuck-exit'],
      env: { ORPHAN_GUARD_DEADLINE_MS: '200' },
    });
    child.stdin?.end();
    expect(await exited).toEqual([null, 'SIGKILL']);
  });
});
