// The programs a DNS benchmark runs side by side: each started pinned to a core, on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { statusMiB } from './proc.ts';

export interface Peer {
  name: string;
  port: number;
  child: ChildProcess;
  /** Resident memory in MiB, from /proc. */
  rssMiB(): number;
  /** Anonymous (private) resident memory in MiB: RSS without the mapped binary and libraries. */
  anonMiB(): number;
  stop(): Promise<void>;
}

/** Starts `command` pinned to `core` with taskset and waits until it answers DNS on `port`. */
export async function startPinned(
  name: string,
  core: number,
  command: string,
  args: string[],
  port: number,
  dir: string,
): Promise<Peer> {
  const child = spawn('taskset', ['-c', String(core), command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: dir,
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  for (let i = 0; i < 200; i += 1) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    const { status } = (await import('node:child_process')).spawnSync('dig', [
      '+time=1',
      '+tries=1',
      '-p',
      String(port),
      '@127.0.0.1',
      'probe.test',
    ]);
    if (status === 0) break;
    await sleep(100);
  }
  return {
    name,
    port,
    child,
    rssMiB: () => statusMiB(child.pid, 'VmRSS'),
    anonMiB: () => statusMiB(child.pid, 'RssAnon'),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** dnsmasq answering `names` with one address each (its `address=` lines), or forwarding. */
export function dnsmasqConfig(dir: string, port: number, lines: string[]): string[] {
  const file = join(dir, `dnsmasq-${port}.conf`);
  writeFileSync(
    file,
    [
      `port=${port}`,
      'listen-address=127.0.0.1',
      'bind-interfaces',
      'no-resolv',
      'no-hosts',
      'user=root',
      'cache-size=10000',
      ...lines,
      '',
    ].join('\n'),
  );
  return ['--keep-in-foreground', `--conf-file=${file}`, '--pid-file='];
}

/** unbound serving `localData` records (authoritative, from memory) or forwarding to `forward`. */
export function unboundConfig(dir: string, port: number, body: string): string[] {
  const file = join(dir, `unbound-${port}.conf`);
  writeFileSync(
    file,
    `server:
  interface: 127.0.0.1@${port}
  do-daemonize: no
  chroot: ""
  username: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  msg-cache-size: 32m
  rrset-cache-size: 64m
  so-rcvbuf: 4m
  verbosity: 0
${body}
`,
  );
  return ['-d', '-c', file];
}
