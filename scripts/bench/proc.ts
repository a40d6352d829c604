// What /proc says of a benchmarked process: memory and CPU time, read between runs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A memory field of /proc/PID/status (reported in kB), in MiB. */
export function statusMiB(pid: number | undefined, field: 'VmRSS' | 'RssAnon' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system) a process has used so far: /proc/PID/stat fields 14 and 15, in ticks. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/**
 * CPU time a process ran, and time it waited runnable for a CPU, in seconds (/proc/PID/schedstat:
 * run time and run-queue wait in nanoseconds): on a shared machine the second says how much of a
 * latency was the machine's, not the process's.
 */
export function schedSeconds(pid: number): { ran: number; waited: number } {
  const [ran = '0', waited = '0'] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
  return { ran: Number(ran) / 1e9, waited: Number(waited) / 1e9 };
}
