// The ceiling of any Node DNS server on this machine: reads a datagram, sets QR, sends it back.
import { createSocket } from 'node:dgram';

const port = Number(process.argv[2] ?? 0);
const socket = createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  if (msg.length >= 3) msg[2] = (msg[2] ?? 0) | 0x80;
  socket.send(msg, rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => process.stdout.write('ready\n'));
