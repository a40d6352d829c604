import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * Ports handed out by this process: a test that picks a port for a server it starts later (a
 * gateway config naming the auth port) must not see the same port handed to another server
 * started in between.
 */
const handedOut = new Set<number>();

/** A port free for both TCP and UDP on `host` right now (DNS servers need both), never one given before. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, host, () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, host, () => sock.close(() => resolve(true)));
    });
    if (udpFree && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found');
}
