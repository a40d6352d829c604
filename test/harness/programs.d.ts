import { type ChildProcess } from 'node:child_process';
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
export declare function findProgram(command: string, debianPackage: string): string;
/** Starts `spec` on a free loopback port with a temporary folder, and waits until it answers. */
export declare function startProgram(
  spec: ProgramSpec,
  options?: {
    host?: string;
    port?: number;
  },
): Promise<RunningProgram>;
/** Stops every program still running (an afterAll safety net; tests stop their own). */
export declare function stopAllPrograms(): Promise<void>;
