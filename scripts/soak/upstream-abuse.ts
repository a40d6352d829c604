// Queries that make Horizon's upstream misbehave (the fake upstream of the test harness decides by
// the first label): each a unique name, so each one misses the cache and reaches the upstream.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { dnsQuery } from '@horizon/test/harness';
import { BAD_DOT } from './dot-upstream.ts';
import type { Target } from './hostile.ts';

/** The upstream failures of issue 12: silent, TC then close / partial / reset / hang, garbage, slow, big, into our zone. */
export const BAD_UPSTREAM = [
  'silent',
  'tc-close',
  'tc-partial',
  'tc-reset',
  'tc-hang',
  'garbage',
  'slow',
  'big',
  'into',
];

export interface AbuseStats {
  udpSent: number;
  udpAnswered: number;
  tcpSent: number;
  tcpAnswered: number;
}

const framed = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);

/**
 * `perSecond` UDP queries for bad-upstream names from `from`, and one TCP connection at a time that
 * pipelines 50 of them (answers come back SERVFAIL or after fail-over, slowly): until aborted.
 */
export async function upstreamAbuse(t: Target, from: string, perSecond: number): Promise<AbuseStats> {
  const stats: AbuseStats = { udpSent: 0, udpAnswered: 0, tcpSent: 0, tcpAnswered: 0 };
  // Every other name goes to the DNS-over-TLS upstream (dot-upstream.ts) by the forwarding rule.
  const name = (i: number) => {
    if (i % 2 === 1) return `${BAD_DOT[(i >> 1) % BAD_DOT.length] ?? 'silent'}.n${i}.dot.test`;
    const kind = BAD_UPSTREAM[(i >> 1) % BAD_UPSTREAM.length] ?? 'silent';
    return kind === 'into' ? `into.id.n${i}.example.org` : `${kind}.n${i}.example.org`;
  };
  const udp = createSocket('udp4');
  udp.on('message', () => {
    stats.udpAnswered += 1;
  });
  await new Promise<void>((r) => udp.bind(0, from, () => r()));
  const sendUdp = (async () => {
    for (let i = 0; !t.signal.aborted; i += 1) {
      udp.send(dnsQuery(name(i), 1, i & 0xffff), t.port, t.host);
      stats.udpSent += 1;
      if (i % 10 === 9) await sleep(10_000 / perSecond);
    }
  })();
  const pipelines = (async () => {
    for (let round = 0; !t.signal.aborted; round += 1) {
      const s = connect({ host: t.host, port: t.port, localAddress: from });
      s.on('error', () => undefined);
      let held = Buffer.alloc(0);
      s.on('data', (d) => {
        held = Buffer.concat([held, d]);
        while (held.length >= 2 && held.length >= 2 + held.readUInt16BE(0)) {
          held = held.subarray(2 + held.readUInt16BE(0));
          stats.tcpAnswered += 1;
        }
      });
      s.write(
        Buffer.concat(
          Array.from({ length: 50 }, (_, i) => framed(dnsQuery(name(1_000_000 + round * 50 + i)))),
        ),
      );
      stats.tcpSent += 50;
      s.end(); // half-close: the answers must still come (finding 7)
      await new Promise<void>((r) => {
        const abort = () => s.destroy();
        t.signal.addEventListener('abort', abort, { once: true });
        s.once('close', () => {
          t.signal.removeEventListener('abort', abort);
          r();
        });
      });
      await sleep(100);
    }
  })();
  await Promise.all([sendUdp, pipelines]);
  udp.close();
  return stats;
}
