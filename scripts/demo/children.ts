import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const GUARD = join(import.meta.dirname, 'orphan-guard.ts');

/** A service the demo runs as its container does (`main.ts --config FILE`), tied to the demo's life. */
export interface DemoChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) whenever it exits. */
  readonly exited: Promise<number | string>;
  /** SIGTERM once, then waits for it to exit. */
  stop(): Promise<void>;
}

export function startChild(
  name: string,
  main: string,
  configFile: string,
  env: NodeJS.ProcessEnv,
): DemoChild {
  const child = spawn(process.execPath, ['--import', GUARD, main, '--config', configFile], {
    env,
    // stdin is the orphan guard's pipe; the service's log goes straight to the terminal.
    stdio: ['pipe', 'inherit', 'inherit'],
    // Its own process group: Ctrl-C reaches the demo only, and the demo stops each service once.
    detached: true,
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    name,
    process: child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Waits until `url` answers 200 (a service's /readyz), or the child exits first: then rejects
 * with how it exited, which the demo reports before it stops everything else.
 */
export async function childReady(child: DemoChild, url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void child.exited.then((how) => {
    exited = how;
  });
  while (exited === undefined) {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${child.name} was not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `${child.name} exited during start (${typeof exited === 'number' ? `exit code ${exited}` : exited})`,
  );
}
