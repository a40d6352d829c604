import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from './ports.ts';
import { removeScratch, scratchDir } from './scratch.ts';
import { waitFor } from './wait.ts';

/** A real program a test started; stop() ends it and removes its temporary folder. */
export interface RunningProgram {
  name: string;
  host: string;
  port: number;
  /** Its temporary folder (config, logs, pid files). */
  dir: string;
  process: ChildProcess;
  /** What it printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** How to run one program. */
export interface ProgramSpec {
  name: string;
  /** Executable name, found on PATH or in /usr/sbin, /sbin. */
  command: string;
  /** Debian package that provides it, for the error message when it is missing. */
  debianPackage: string;
  args: (ctx: { dir: string; host: string; port: number }) => string[];
  /** Files to write into the folder before start, by name. */
  files?: (ctx: { dir: string; host: string; port: number }) => Record<string, string>;
  env?: (ctx: { dir: string }) => Record<string, string>;
  /** Resolves true once the program answers. */
  ready: (ctx: { host: string; port: number }) => Promise<boolean>;
  timeoutMs?: number;
}

/** Finds an executable, or throws naming the Debian package to install. */
export function findProgram(command: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const path = join(dir, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder; keep looking
    }
  }
  throw new Error(`${command} is not installed: run ./pnpmw programs (apt-get install ${debianPackage})`);
}

const live = new Set<RunningProgram>();

/** Starts `spec` on a free loopback port with a temporary folder, and waits until it answers. */
export async function startProgram(
  spec: ProgramSpec,
  options: { host?: string; port?: number } = {},
): Promise<RunningProgram> {
  const bin = findProgram(spec.command, spec.debianPackage);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const dir = scratchDir(spec.name);
  const ctx = { dir, host, port };
  for (const [name, text] of Object.entries(spec.files?.(ctx) ?? {})) writeFileSync(join(dir, name), text);
  const child = spawn(bin, spec.args(ctx), {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...spec.env?.({ dir }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const program: RunningProgram = {
    name: spec.name,
    host,
    port,
    dir,
    process: child,
    output: () => output,
    async stop() {
      live.delete(program);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(killer);
      }
      removeScratch(dir);
    },
  };
  live.add(program);
  try {
    // Either it answers, or it exits (a config error): fail at once then, not at the timeout.
    await Promise.race([
      waitFor(
        `${spec.name} to answer on ${host}:${port}`,
        () => child.exitCode === null && spec.ready({ host, port }),
        {
          timeoutMs: spec.timeoutMs ?? 10_000,
          intervalMs: 25,
        },
      ),
      exited.then(() => {
        throw new Error(`${spec.name} exited with ${child.exitCode ?? child.signalCode}`);
      }),
    ]);
  } catch (err) {
    await program.stop();
    throw new Error(`${spec.name} did not start: ${(err as Error).message}\n${output}`, { cause: err });
  }
  return program;
}

/** Stops every program still running (an afterAll safety net; tests stop their own). */
export async function stopAllPrograms(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}
