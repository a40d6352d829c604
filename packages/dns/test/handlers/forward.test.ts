import { describe, expect, it } from 'vitest';
import { createForward } from '../../src/handlers/forward.ts';
import type { UpstreamPool } from '../../src/upstream/pool.ts';
import { TYPE } from '../../src/wire/constants.ts';
import { record } from '../../src/wire/records.ts';
import { q, reply } from '../replies.ts';

const rcode = (r: unknown) => ((r as Buffer)[3] ?? 0) & 0xf;
/** A pool whose exchanges the test settles one by one; it keeps the queries it was sent. */
function heldPool() {
  const sent: Buffer[] = [];
  const settle: ((outcome: Buffer | Error) => void)[] = [];
  const pool: UpstreamPool = {
    upstreams: [],
    allDown: () => false,
    exchange: (query) =>
      new Promise<Buffer>((resolve, reject) => {
        sent.push(query);
        settle.push((o) => (o instanceof Error ? reject(o) : resolve(o)));
      }),
  };
  return { pool, sent, settle };
}
const ours = (name: string) => name.endsWith('home.example.com');

describe('forward', () => {
  it('passes a query with no pool on (the chain end refuses it)', () => {
    const forward = createForward({ poolFor: () => undefined, maxInFlight: 1, ours });
    expect(forward(q('a.example.org'), () => Buffer.from('next'))).toEqual(Buffer.from('next'));
  });

  it('sends the question upstream with a fresh ID and relays the reply to the client, our records dropped', async () => {
    const held = heldPool();
    const forward = createForward({ poolFor: () => held.pool, maxInFlight: 1, ours });
    const query = q('a.example.org', 9);
    const out = forward(query, () => null) as Promise<Buffer>;
    expect(held.sent[0]?.readUInt16BE(0)).toBe(0); // its own ID: the exchange draws a random one
    expect(held.sent[0]?.subarray(12)).toEqual(query.raw.subarray(12));
    const upstream = reply('a.example.org', 0, 60);
    const planted = record('id.home.example.com', TYPE.A, 60, Buffer.from([6, 6, 6, 6]));
    upstream.writeUInt16BE(1, 10); // one additional record: ours, planted by the upstream
    held.settle[0]?.(Buffer.concat([upstream, planted]));
    const relayed = await out;
    expect(relayed.readUInt16BE(0)).toBe(9);
    expect([relayed.readUInt16BE(6), relayed.readUInt16BE(10)]).toEqual([1, 0]);
    expect(relayed.includes(Buffer.from([6, 6, 6, 6]))).toBe(false);
  });

  it('answers SERVFAIL when the upstreams fail or reply with something malformed', async () => {
    const held = heldPool();
    const forward = createForward({ poolFor: () => held.pool, maxInFlight: 2, ours });
    const failed = forward(q('a.example.org'), () => null) as Promise<Buffer>;
    const garbage = forward(q('b.example.org'), () => null) as Promise<Buffer>;
    held.settle[0]?.(new Error('every upstream failed'));
    held.settle[1]?.(Buffer.from([1, 2, 3]));
    expect([rcode(await failed), rcode(await garbage)]).toEqual([2, 2]);
  });

  it('answers SERVFAIL at once past maxInFlight, counts it, and frees a slot however a forward ends', async () => {
    const held = heldPool();
    let overloads = 0;
    const forward = createForward({
      poolFor: () => held.pool,
      maxInFlight: 2,
      ours,
      onOverload: () => (overloads += 1),
    });
    const first = forward(q('a.example.org'), () => null);
    const second = forward(q('b.example.org'), () => null);
    expect(rcode(forward(q('c.example.org'), () => null))).toBe(2); // not a promise: at once
    expect([overloads, held.sent.length]).toEqual([1, 2]);
    held.settle[0]?.(new Error('failed'));
    held.settle[1]?.(reply('b.example.org', 0, 60));
    await Promise.all([first, second]);
    void forward(q('d.example.org'), () => null);
    void forward(q('e.example.org'), () => null);
    expect([overloads, held.sent.length]).toEqual([1, 4]);
  });
});
