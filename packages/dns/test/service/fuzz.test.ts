import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, scratchDir, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dig, manifests } from '../helpers.ts';

let dns: ChildProcess;
let port: number;
let opsPort: number;
beforeAll(async () => {
  port = await freePort();
  opsPort = await freePort();
  const dir = scratchDir('fuzz');
  writeFileSync(
    join(dir, 'dns.yaml'),
    `listen: { addresses: [127.0.0.1], port: ${port} }
ops: { host: 127.0.0.1, port: ${opsPort} }
log: { level: error }
zones: [home.example.com]
zoneMiss: { mode: nxdomain }
acl: { allow: [127.0.0.0/8] }
tcp: { idleTimeoutMs: 2000 }
source: { manifests: ${manifests({ unifi: ['unifi.home.example.com'], apps: ['*.apps.home.example.com'] })} }
`,
  );
  dns = spawn(
    process.execPath,
    [join(import.meta.dirname, '..', '..', 'src', 'main.ts'), '--config', join(dir, 'dns.yaml')],
    { stdio: 'ignore' },
  );
  await waitFor('ready', async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status === 200, {
    timeoutMs: 10_000,
  });
});
afterAll(async () => {
  dns.kill('SIGTERM');
  await new Promise((r) => dns.once('exit', r));
});

/** A valid query to mutate. */
function query(name: string, type = 1): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([
    Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]),
    ...labels,
    Buffer.from([0, 0, type, 0, 1]),
    Buffer.from('0000291000000000000000', 'hex'),
  ]);
}
const seeds = [
  query('unifi.home.example.com'),
  query('a.b.apps.home.example.com', 28),
  query('nothing.home.example.com', 65),
  Buffer.from('123401000001000000000000c00c00010001', 'hex'), // the 18-byte pointer loop that hangs dns2 2.x
];

/** Random bytes, or a seed with bytes flipped, cut, counts changed, QR or opcode set. */
function mutant(i: number): Buffer {
  const r = randomBytes(8);
  if (i % 5 === 0) return randomBytes((r[0] ?? 0) % 96);
  const p = Buffer.from(seeds[i % seeds.length] ?? Buffer.alloc(0));
  switch ((r[1] ?? 0) % 6) {
    case 0:
      for (let k = 0; k < 1 + ((r[2] ?? 0) % 4); k += 1) p[(r[3 + k] ?? 0) % p.length] = r[7] ?? 0;
      return p;
    case 1:
      return p.subarray(0, (r[2] ?? 0) % p.length);
    case 2:
      p.writeUInt16BE(r.readUInt16BE(2), 4 + 2 * ((r[4] ?? 0) % 4)); // a random section count
      return p;
    case 3:
      p[2] = (p[2] ?? 0) | 0x80; // QR=1
      return p;
    case 4:
      p[2] = ((p[2] ?? 0) & 0x87) | (((r[2] ?? 0) % 16) << 3); // opcode
      return p;
    default:
      return Buffer.concat([p, randomBytes((r[2] ?? 0) % 64)]);
  }
}

it('survives 100,000 random and mutated UDP packets and 20,000 TCP frames, then still answers', async () => {
  const socket = createSocket('udp4');
  let answered = 0;
  socket.on('message', () => {
    answered += 1;
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < 100_000; i += 1) {
    socket.send(mutant(i), port, '127.0.0.1');
    if (i % 100 === 99) await sleep(1); // bounded rate: let the server and the socket buffers keep up
  }
  // It kept answering what deserves an answer throughout.
  await waitFor('answers to the flood', () => answered > 10_000);
  socket.close();

  // TCP: 20 connections of 1,000 frames each, with lying length prefixes among them.
  await Promise.all(
    Array.from(
      { length: 20 },
      (_, c) =>
        new Promise<void>((resolve) => {
          const s = connect({ host: '127.0.0.1', port }, () => {
            const frames: Buffer[] = [];
            for (let i = 0; i < 1000; i += 1) {
              const body = mutant(c * 1000 + i);
              const len = Buffer.alloc(2);
              len.writeUInt16BE(i === 999 ? 0xffff : body.length); // the last one promises 64 KiB and never sends it
              frames.push(len, body);
            }
            s.end(Buffer.concat(frames));
          });
          s.on('data', () => undefined);
          s.on('error', () => resolve());
          s.on('close', () => resolve());
        }),
    ),
  );

  expect(dns.exitCode).toBeNull();
  expect((await dig(port, ['+short', 'unifi.home.example.com'])).trim()).toBe('10.90.3.202');
  expect((await dig(port, ['+short', '+tcp', 'x.apps.home.example.com'])).trim()).toBe('10.90.3.202');
  const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const maxLag = Number(/nodejs_eventloop_lag_max_seconds\{[^}]*\} ([\d.e-]+)/.exec(metrics)?.[1]);
  const formerr = Number(/horizon_dns_responses_total\{rcode="FORMERR"[^}]*\} (\d+)/.exec(metrics)?.[1]);
  expect(formerr).toBeGreaterThan(1000);
  // The event loop never stalled (a parser loop like dns2 2.x's would be unbounded).
  expect(maxLag).toBeLessThan(1);
}, 120_000);
