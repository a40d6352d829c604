// wrk, pinned to a core, run without blocking this process (servers of the bench live in it).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WrkResult {
  rps: number;
  /** Requests completed in the run. */
  requests: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  non2xx: number;
}

export interface WrkOptions {
  core: number;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  /** Pause each connection this long between requests (a paced, lighter load), via a Lua script. */
  delayMs?: number;
  dir: string;
}

const ms = (v: string | undefined): number => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v ?? '');
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
};

export function wrk(url: string, o: WrkOptions): Promise<WrkResult> {
  const args = ['-c', String(o.core), 'wrk', '-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(o.headers)) args.push('-H', `${k}: ${v}`);
  if (o.delayMs !== undefined) {
    const script = join(o.dir, `delay-${o.delayMs}.lua`);
    writeFileSync(script, `function delay()\n  return ${o.delayMs}\nend\n`);
    args.push('-s', script);
  }
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      if (code !== 0 || !Number.isFinite(rps)) return reject(new Error(`wrk failed (${code}): ${out}`));
      const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      resolve({
        rps,
        requests: Number(/(\d+) requests in/.exec(out)?.[1]),
        p50ms: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1]),
        p99ms: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
        errors: errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
        non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
      });
    });
  });
}
