// A DNS-over-TLS upstream that misbehaves by the question's first label, for `pnpm soak:dns`: the
// soak's forwarding rule sends `dot.test` names to it. Loopback only; its certificate comes from a
// throwaway CA (makeTestPki) that the soak removes.
import { createServer, type TLSSocket } from 'node:tls';
import type { TestPki } from '@horizon/test/harness';

/** What it does with a query whose first label is the key; anything else is answered. */
export const BAD_DOT = ['silent', 'garbage', 'close', 'big', 'trickle', 'badid'];

const framed = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);
const response = (m: Buffer) => {
  const r = Buffer.from(m);
  r[2] = (r[2] ?? 0) | 0x80;
  return r;
};

function misbehave(m: Buffer, s: TLSSocket): void {
  const kind = m.subarray(13, 13 + (m[12] ?? 0)).toString();
  if (kind === 'silent') return;
  if (kind === 'close') return void s.destroy();
  if (kind === 'garbage') return void s.write(framed(m)); // a query back: not a response
  if (kind === 'badid') {
    const r = response(m);
    r.writeUInt16BE(m.readUInt16BE(0) ^ 0xffff, 0);
    return void s.write(framed(r));
  }
  if (kind === 'big') {
    const r = Buffer.alloc(65_535); // the question, then zeros (ARCOUNT 0)
    response(m).copy(r);
    return void s.write(framed(r));
  }
  if (kind === 'trickle') {
    const bytes = framed(response(m));
    let i = 0;
    const drip = setInterval(() => {
      if (i >= bytes.length || s.destroyed) return clearInterval(drip);
      s.write(bytes.subarray(i, i + 1));
      i += 1;
    }, 50);
    return;
  }
  s.write(framed(response(m)));
}

/** Starts it on 127.0.0.1 with `pki`'s `dot.test` certificate. */
export async function startHostileDot(pki: TestPki): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<TLSSocket>();
  const cert = pki.certs['dot.test'];
  const server = createServer({ key: cert?.key, cert: cert?.cert }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    let held = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      held = Buffer.concat([held, d]);
      while (held.length >= 2 && held.length >= 2 + held.readUInt16BE(0)) {
        const m = held.subarray(2, 2 + held.readUInt16BE(0));
        held = held.subarray(2 + m.length);
        misbehave(m, s);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    stop: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
