// The demo's Redis: app passwords and sign-out everywhere need Horizon auth's Redis session
// store. redis-server is a Debian program (`./pnpmw programs`); a fresh machine without it
// still gets the whole demo, with the cookie store and without the app-passwords host.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';

/** True when redis-server can be run here. */
export function hasRedis(env: NodeJS.ProcessEnv): boolean {
  try {
    execFileSync('redis-server', ['--version'], { env, stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export interface DemoRedis {
  readonly process: ChildProcess;
  readonly exited: Promise<number | string>;
  stop(): Promise<void>;
}

// redis-server cannot notice its parent dying: a shell holds it and kills it once the demo's
// pipe on its stdin closes (Ctrl-C, an error, or the demo killed), and waits for it to exit, as
// orphan-guard.ts does for the services. Nothing is written to disk: no snapshots, no append-only file.
const HOLDER = 'redis-server "$@" & pid=$!; trap "kill $pid 2>/dev/null; wait $pid" EXIT; read -r _; exit 0';

/** Starts redis-server on 127.0.0.1:`port`, resolved once it accepts connections. */
export async function startDemoRedis(port: number, env: NodeJS.ProcessEnv): Promise<DemoRedis> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('sh', ['-c', HOLDER, 'sh', ...args, '--dir', tmpdir(), '--loglevel', 'warning'], {
    env,
    stdio: ['pipe', 'ignore', 'inherit'], // its log is for its operator, not the demo's reader
    detached: true,
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const stop = async () => {
    child.stdin?.end();
    await exited;
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await accepts(port)) return { process: child, exited, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`redis-server did not start on 127.0.0.1:${port}`);
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
