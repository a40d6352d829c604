import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';

// A UDP receive buffer that holds a burst while the event loop is busy elsewhere (about 450
// queries at the kernel's ~2.3 KiB per datagram); the kernel caps it at net.core.rmem_max.
const UDP_RECEIVE_BUFFER = 1024 * 1024;
// Socket buffers of 16 KiB rather than Node's 64 KiB: DNS messages are small, and a client that
// stops reading is stopped being read once this much of its answers waits (tcp/connection.ts).
const HIGH_WATER_MARK = 16 * 1024;

/** A UDP socket bound to `address`:`port` (IPv6 only on an IPv6 address), its buffer sized for bursts. */
export async function bindUdp(address: string, port: number): Promise<UdpSocket> {
  const v6 = isIPv6(address);
  const socket = createSocket({
    type: v6 ? 'udp6' : 'udp4',
    ipv6Only: v6,
    recvBufferSize: UDP_RECEIVE_BUFFER,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

/** A TCP server listening on `address`:`port`, each connection handed to `accept`. */
export async function listenTcp(
  address: string,
  port: number,
  accept: (socket: Socket) => void,
): Promise<Server> {
  // allowHalfOpen: a client that shuts down its sending side still gets its answers (tcp/connection.ts).
  const server = createServer({ allowHalfOpen: true, highWaterMark: HIGH_WATER_MARK }, accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: address, ipv6Only: isIPv6(address) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
