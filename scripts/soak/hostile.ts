// The hostile TCP clients of `pnpm soak:dns`, each a loop from its own loopback addresses until
// the soak's signal aborts. They count what happened to them; the soak reports it.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { dnsQuery } from '@horizon/test/harness';

/** What one kind of attacker saw. */
export interface AttackStats {
  connections: number;
  /** Connections the server closed or reset (or refused at once). */
  closedByServer: number;
  connectErrors: number;
  bytesSent: number;
}

export interface Target {
  host: string;
  port: number;
  signal: AbortSignal;
}

const framed = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);
const newStats = (): AttackStats => ({ connections: 0, closedByServer: 0, connectErrors: 0, bytesSent: 0 });

/** Opens one connection from `from`; resolves with the socket once connected, or null. */
function open(t: Target, from: string, stats: AttackStats): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = connect({ host: t.host, port: t.port, localAddress: from });
    let connected = false;
    s.once('connect', () => {
      connected = true;
      stats.connections += 1;
      resolve(s);
    });
    s.once('error', () => {
      if (connected) return;
      stats.connectErrors += 1;
      s.destroy();
      resolve(null);
    });
  });
}

/** Resolves when the socket is gone; counts it as closed by the server unless we aborted. */
const gone = (t: Target, s: Socket, stats: AttackStats) =>
  new Promise<void>((resolve) => {
    const abort = () => s.destroy();
    t.signal.addEventListener('abort', abort, { once: true });
    s.on('error', () => undefined);
    s.once('close', () => {
      t.signal.removeEventListener('abort', abort);
      if (!t.signal.aborted) stats.closedByServer += 1;
      resolve();
    });
  });

/** Runs `slots` copies of `one` per address until aborted, each starting over when its connection ends. */
async function swarm(t: Target, addresses: string[], slots: number, one: (from: string) => Promise<void>) {
  await Promise.all(
    addresses.flatMap((from) =>
      Array.from({ length: slots }, async () => {
        while (!t.signal.aborted) {
          await one(from);
          await sleep(20); // a reconnecting attacker, not a busy loop on this side
        }
      }),
    ),
  );
}

/**
 * Pipelines queries (zone names, and a forwarded name with an 8.5 KB answer) and never reads the
 * answers (issue 12, findings 1 and 2); it keeps writing a batch a second, so it notices being
 * closed (a write to a reset connection fails) and comes back.
 */
export async function neverReading(t: Target, addresses: string[], slots: number): Promise<AttackStats> {
  const stats = newStats();
  const batch = Buffer.concat(
    Array.from({ length: 2_000 }, (_, i) =>
      framed(dnsQuery(i % 10 === 0 ? 'big.example.org' : 'id.home.example.com', i % 10 === 0 ? 16 : 1, i)),
    ),
  );
  await swarm(t, addresses, slots, async (from) => {
    const s = await open(t, from, stats);
    if (!s) return;
    s.pause();
    const closed = gone(t, s, stats);
    let ended = false;
    void closed.then(() => (ended = true));
    while (!ended && !t.signal.aborted) {
      if (s.writableLength < 256 * 1024) {
        s.write(batch); // past that, our own buffer would be the one to grow
        stats.bytesSent += batch.length;
      }
      await sleep(1000);
    }
    await closed;
  });
  return stats;
}

/** A runt (`00 01 00`), a 1-byte message or a response (QR=1), then waits to be closed. */
export async function runts(t: Target, addresses: string[], slots: number): Promise<AttackStats> {
  const stats = newStats();
  const response = dnsQuery('id.home.example.com');
  response[2] = (response[2] ?? 0) | 0x80;
  const payloads = [Buffer.from([0, 1, 0]), framed(Buffer.from([0x12])), framed(response)];
  let n = 0;
  await swarm(t, addresses, slots, async (from) => {
    const s = await open(t, from, stats);
    if (!s) return;
    const closed = gone(t, s, stats);
    const payload = payloads[n++ % payloads.length] ?? Buffer.alloc(0);
    s.write(payload);
    stats.bytesSent += payload.length;
    await closed;
  });
  return stats;
}

/** One byte every `everyMs` (the length prefix first), forever: a slowloris on DNS framing. */
export async function trickles(
  t: Target,
  addresses: string[],
  slots: number,
  everyMs = 250,
): Promise<AttackStats> {
  const stats = newStats();
  const message = framed(dnsQuery('id.home.example.com'));
  await swarm(t, addresses, slots, async (from) => {
    const s = await open(t, from, stats);
    if (!s) return;
    const closed = gone(t, s, stats);
    let ended = false;
    void closed.then(() => (ended = true));
    for (let i = 0; !ended && !t.signal.aborted; i += 1) {
      s.write(message.subarray(i % message.length, (i % message.length) + 1));
      stats.bytesSent += 1;
      await sleep(everyMs);
    }
    await closed;
  });
  return stats;
}

/** Opens connections and holds them idle, reconnecting when closed: fills the connection cap. */
export async function flood(t: Target, addresses: string[], slots: number): Promise<AttackStats> {
  const stats = newStats();
  await swarm(t, addresses, slots, async (from) => {
    const s = await open(t, from, stats);
    if (s) await gone(t, s, stats);
  });
  return stats;
}
