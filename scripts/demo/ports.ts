import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { FLAGS, type PortFlag } from './cli.ts';

/** What listens on each port, for the message that says which one is taken. */
const WHO: Record<PortFlag, string> = {
  'dns-port': 'Horizon DNS',
  'ops-port': "Horizon DNS's ops server",
  'auth-port': 'Horizon auth',
  'auth-ops-port': "Horizon auth's ops server",
  'op-port': 'the development OpenID Provider',
  'gateway-port': 'the gateway',
  'redis-port': 'Redis',
};

/** The one line a user reads when a port is in use (a second demo, or another program). */
export function portTakenMessage(flag: PortFlag, port: number, transport = 'TCP'): string {
  const def = FLAGS[flag].default;
  return (
    `demo: 127.0.0.1:${port} (${transport}) is already in use, and ${WHO[flag]} needs it. ` +
    `Stop what holds it (another demo?) or move it with --${flag} PORT (default ${def}).`
  );
}

const tcpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

const udpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const sock = createSocket('udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
  });

/**
 * Checks every port before anything starts, so taken ports stop the demo with a line each (all of
 * them at once) instead of half a demo. Something can still take a port in between; each start
 * says so the same way.
 */
export async function takenPorts(ports: Partial<Record<PortFlag, number>>): Promise<string[]> {
  const lines: string[] = [];
  for (const [flag, port] of Object.entries(ports) as [PortFlag, number][]) {
    if (!(await tcpFree(port))) lines.push(portTakenMessage(flag, port));
    else if (flag === 'dns-port' && !(await udpFree(port))) lines.push(portTakenMessage(flag, port, 'UDP'));
  }
  return lines;
}
