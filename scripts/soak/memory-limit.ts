// The Deployment's memory limit, read from the manifest, enforced on the soaked process with a
// cgroup (v1 memory controller, as on this machine) when one can be made; otherwise only watched.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const CGROUP = '/sys/fs/cgroup/memory';

/** `limits: { memory: 192Mi }` of the horizon-dns Deployment, in bytes. */
export function deploymentMemoryLimit(): number {
  const text = readFileSync(
    join(ROOT, 'deploy', 'kubernetes', 'bases', 'horizon-dns', 'deployment.yaml'),
    'utf8',
  );
  const m = /limits:\s*\{\s*memory:\s*(\d+)(Mi|Gi)\s*\}/.exec(text);
  if (!m) throw new Error('horizon-dns deployment.yaml: no limits.memory');
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 ** 3 : 1024 ** 2);
}

export interface MemoryLimit {
  /** True when the kernel enforces it (an OOM kill past it), false when it is only watched. */
  enforced: boolean;
  /** A shell command prefix that moves the shell into the cgroup, for `sh -c '<enter>exec ...'`. */
  enter: string;
  /** Peak memory charged to the cgroup (RSS and page cache), in bytes; 0 when not enforced. */
  peakBytes(): number;
  /** Times the kernel OOM-killed in the cgroup. */
  oomKills(): number;
  remove(): void;
}

/** A cgroup limited to `bytes`: a process started through its `enter` is charged from its first page. */
export function limitMemory(bytes: number): MemoryLimit {
  const dir = join(CGROUP, `horizon-soak-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(bytes));
  } catch {
    return { enforced: false, enter: '', peakBytes: () => 0, oomKills: () => 0, remove: () => undefined };
  }
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    enforced: true,
    enter: `echo $$ > ${join(dir, 'cgroup.procs')} && `,
    peakBytes: () => Number(read('memory.max_usage_in_bytes')),
    oomKills: () => Number(/oom_kill (\d+)/.exec(read('memory.oom_control'))?.[1] ?? 0),
    remove() {
      try {
        rmdirSync(dir); // only once the process has left it
      } catch {
        process.stderr.write(`soak: could not remove ${dir}\n`);
      }
    },
  };
}
