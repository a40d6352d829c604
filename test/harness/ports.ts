import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * Ports handed out by this process: a test that picks a port for a server it starts later (a
 * gateway config naming the auth port) must not see the same port handed to another server
 * started in between.
 */
const handedOut = new Set<number>();

/**
 * Ports come from below the kernel's ephemeral range (32768-60999 on Linux), in a slice of their
 * own per vitest worker (4 slices from `TEST_PORT_BASE`, default 24000): a port picked now and bound later can then be taken neither by another
 * worker's server nor by any process's outgoing connection in between (both happened with
 * kernel-chosen ports: EADDRINUSE once in a few full runs).
 */
const SLICE = 2000;
const slot = Number(process.env.VITEST_POOL_ID ?? 0) % 4;
// Two checkouts testing at once on one machine (git worktrees) each set their own range start.
const first = Number(process.env.TEST_PORT_BASE ?? 24_000);
const base = first + slot * SLICE;
let next = base + Math.floor(Math.random() * SLICE);

const tcpFree = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });

const udpFree = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, host, () => sock.close(() => resolve(true)));
  });

/** A port free for both TCP and UDP on `host` right now (DNS servers need both), never one given before. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < SLICE; attempt += 1) {
    const port = next;
    next = next + 1 >= base + SLICE ? base : next + 1;
    if (handedOut.has(port)) continue;
    if ((await tcpFree(port, host)) && (await udpFree(port, host))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${base}-${base + SLICE - 1}`);
}
