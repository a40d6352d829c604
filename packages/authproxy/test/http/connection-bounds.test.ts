import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { boundConnections } from '../../src/http/connection-bounds.ts';

describe('connection bounds', () => {
  it('closes a connection that sends no request, and leaves one that did', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    const spoke = boundConnections(server, 16, 50);
    server.on('request', (req) => spoke(req.socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const at = (server.address() as { port: number }).port;
    const talker = connect(at, '127.0.0.1', () => talker.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await new Promise((resolve) => talker.once('data', resolve));
    const silent = connect(at, '127.0.0.1');
    await new Promise((resolve) => silent.once('close', resolve));
    // The silent one opened after the talker, so the talker's bound has passed too: its
    // connection still answers.
    talker.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const answered = await new Promise((resolve) => {
      talker.once('data', () => resolve(true));
      talker.once('close', () => resolve(false));
    });
    expect(answered).toBe(true);
    expect(talker.destroyed).toBe(false);
    talker.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
});
