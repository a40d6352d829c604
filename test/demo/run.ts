import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../harness/ports.ts';
import { tcpOpen } from '../harness/probes.ts';
import { scratchDir } from '../harness/scratch.ts';
import { waitFor } from '../harness/wait.ts';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'demo.ts');

export const PORT_FLAGS = [
  'dns-port',
  'ops-port',
  'auth-port',
  'auth-ops-port',
  'op-port',
  'gateway-port',
  'redis-port',
] as const;
export type DemoPorts = Record<(typeof PORT_FLAGS)[number], number>;

/** The README's first command as a user runs it, on free ports, with its own temporary folder. */
export interface DemoRun {
  readonly child: ChildProcess;
  readonly ports: DemoPorts;
  /** The demo's TMPDIR: empty again once the demo has read its configs. */
  readonly tmp: string;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
}

export async function demoPorts(): Promise<DemoPorts> {
  const ports: Partial<DemoPorts> = {};
  for (const flag of PORT_FLAGS) ports[flag] = await freePort();
  return ports as DemoPorts;
}

export async function runDemo(
  options: { args?: string[]; env?: Record<string, string>; ports?: DemoPorts } = {},
): Promise<DemoRun> {
  const ports = options.ports ?? (await demoPorts());
  const tmp = scratchDir('demo-tmp');
  const args = PORT_FLAGS.flatMap((f) => [`--${f}`, String(ports[f])]);
  const child = spawn(process.execPath, [SCRIPT, ...args, ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', TMPDIR: tmp, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, ports, tmp, output: () => output, exited };
}

/** Waits for the banner printed once every part answers (or throws with what the demo said). */
export async function demoUp(run: DemoRun): Promise<void> {
  await waitFor(
    `the demo to come up:\n${run.output()}`,
    () => {
      if (run.child.exitCode !== null) throw new Error(`the demo exited:\n${run.output()}`);
      return run.output().includes('Ctrl-C stops it all.');
    },
    { timeoutMs: 25_000, intervalMs: 50 },
  );
}

/** True once nothing answers on any of the demo's TCP ports. */
export async function allPortsClosed(ports: DemoPorts): Promise<boolean> {
  for (const flag of PORT_FLAGS) if (await tcpOpen('127.0.0.1', ports[flag], 200)) return false;
  return true;
}

/**
 * The demo's processes still running, by pid: each one's command line names the run's own
 * TMPDIR (the services their config in it, Redis's holder its --dir). Ports say too little: a
 * service hung in its exit has closed them all.
 */
export function demoPids(run: DemoRun): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // it exited while we looked
    }
    if (cmdline.includes(run.tmp)) pids.push(Number(entry));
  }
  return pids;
}

/** SIGKILLs whatever {@link demoPids} finds: a test's cleanup, whatever it asserted. */
export function killDemoLeftovers(run: DemoRun): void {
  for (const pid of demoPids(run)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
