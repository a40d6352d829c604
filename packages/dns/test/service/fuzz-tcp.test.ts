import { manualClock, waitFor } from '@horizon/test/harness';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../basics.ts';
import { manifests, startDns } from '../helpers.ts';
import { type TcpClient, tcpClient, tcpQuery } from '../tcp-client.ts';

// TCP framing over time: streams of queries cut at every place (inside the length prefix too) and
// sent piece by piece across event-loop turns, trickles timed on a manual clock. The server must
// answer every whole query exactly once and close exactly the connections whose messages take
// longer than tcp.frameTimeoutMs to arrive, never one that is merely quiet between messages.
const FRAME_MS = 2000;
const SWEEP_MS = FRAME_MS / 4; // tcp/front.ts checks deadlines this often
let dns: Awaited<ReturnType<typeof startDns>>;
const clock = manualClock();
beforeAll(async () => {
  dns = await startDns(
    testConfig({
      'source.manifests': manifests({ unifi: ['unifi.home.example.com'], apps: ['*.apps.home.example.com'] }),
      'tcp.frameTimeoutMs': FRAME_MS,
      'tcp.idleTimeoutMs': 60_000,
      'tcp.maxConnectionsPerClient': 1000,
      'tcp.pipeline': 4,
    }),
    undefined,
    {},
    { clock },
  );
});
afterAll(() => dns.stop());

const NAMES = ['unifi.home.example.com', 'x.y.apps.home.example.com', 'nothing.home.example.com'];
const RCODE_OF: Record<string, number> = { unifi: 0, x: 0, nothing: 3 };
/** Lets the server's event handlers run: a write on loopback is readable at the next poll. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i += 1) await new Promise((r) => setImmediate(r));
};
/** The stream of `names` as framed queries, IDs 1..n. */
const streamOf = (names: string[]) => Buffer.concat(names.map((n, i) => tcpQuery(n, i + 1)));
/** Cuts `stream` into pieces of the given sizes (cycled), the last piece whatever is left. */
function cut(stream: Buffer, sizes: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < stream.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    pieces.push(stream.subarray(at, at + size));
    at += size;
  }
  return pieces;
}
const checkAnswers = (client: TcpClient, names: string[]) => {
  expect(client.answers.map((a) => a.readUInt16BE(0)).sort((a, b) => a - b)).toEqual(
    names.map((_, i) => i + 1),
  );
  for (const a of client.answers) {
    const name = names[a.readUInt16BE(0) - 1] ?? '';
    expect((a[3] ?? 0) & 0xf).toBe(RCODE_OF[name.split('.')[0] ?? '']);
  }
};

describe('TCP framing over time', () => {
  it('answers every query of a stream cut anywhere and sent in pieces, exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 20 }),
        async (names, sizes, pauses) => {
          const client = await tcpClient(dns.port);
          for (const [i, piece] of cut(streamOf(names), sizes).entries()) {
            client.send(piece, true);
            await turns(pauses[i % pauses.length] ?? 0);
          }
          await waitFor('every answer', () => client.answers.length >= names.length);
          await turns(3);
          checkAnswers(client, names);
          expect(client.isClosed()).toBe(false);
          client.socket.end();
          await client.closed;
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('closes a connection left inside a message once frameTimeoutMs passes, and only then', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...NAMES), { minLength: 0, maxLength: 6 }),
        fc.constantFrom(...NAMES),
        fc.integer({ min: 1, max: 20 }), // bytes of the last message sent: 1 is half a length prefix
        async (names, last, sent) => {
          const client = await tcpClient(dns.port);
          client.send(Buffer.concat([streamOf(names), tcpQuery(last, 99).subarray(0, sent)]), true);
          await waitFor('the whole queries answered', () => client.answers.length === names.length);
          await turns(3);
          clock.advance(FRAME_MS - SWEEP_MS); // before the deadline: still open
          await turns(3);
          expect(client.isClosed()).toBe(false);
          await waitFor('the frame deadline', () => {
            clock.advance(SWEEP_MS);
            return client.isClosed();
          });
          checkAnswers(client, names);
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it('keeps a quiet connection between whole messages open past frameTimeoutMs', async () => {
    const client = await tcpClient(dns.port);
    client.send(streamOf(['unifi.home.example.com']), true);
    await waitFor('the answer', () => client.answers.length === 1);
    for (let i = 0; i < 8; i += 1) {
      clock.advance(FRAME_MS);
      await turns(3);
    }
    expect(client.isClosed()).toBe(false);
    client.socket.end();
    await client.closed;
  });

  it('trickles: closed when a message takes longer than frameTimeoutMs to arrive, answered when not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 20, max: 400 }), async (perByteMs) => {
        const client = await tcpClient(dns.port);
        const message = tcpQuery('unifi.home.example.com', 1);
        for (const byte of message) {
          if (client.isClosed()) break;
          client.send(Buffer.from([byte]), true);
          await turns(2);
          clock.advance(perByteMs);
        }
        await turns(3);
        const took = perByteMs * (message.length - 1); // from the first byte to the last
        if (took + perByteMs <= FRAME_MS - SWEEP_MS) {
          await waitFor('the answer', () => client.answers.length === 1);
          client.socket.end();
        } else if (took > FRAME_MS + SWEEP_MS) {
          await waitFor('the close', () => client.isClosed());
          expect(client.answers).toHaveLength(0);
        }
        client.socket.destroy();
        await client.closed;
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
