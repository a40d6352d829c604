import { execFile } from 'node:child_process';
import dns from 'node:dns';
import { request } from 'node:http';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findProgram,
  GUARDED,
  httpRoute,
  isLoopbackDestination,
  startCaddy,
  startDnsmasq,
  startFakeApiServer,
  startNginx,
  startRedis,
  stopAllPrograms,
  takeViolations,
} from './harness/index.ts';

const exec = promisify(execFile);
afterAll(stopAllPrograms);

/** GET on loopback, returning status, headers and the raw body. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('real Debian programs on loopback', () => {
  it('dnsmasq answers dig from its temporary config', async () => {
    const dnsmasq = await startDnsmasq(['address=/horizon.test/127.0.0.9']);
    try {
      const { stdout } = await exec(findProgram('dig', 'bind9-dnsutils'), [
        '+short',
        '-p',
        String(dnsmasq.port),
        '@127.0.0.1',
        'app.horizon.test',
        'A',
      ]);
      expect(stdout.trim()).toBe('127.0.0.9');
    } finally {
      await dnsmasq.stop();
    }
    expect(dnsmasq.process.exitCode !== null || dnsmasq.process.signalCode !== null).toBe(true);
  });

  it('refuses a dnsmasq config with a non-loopback upstream before starting it', () => {
    expect(() => startDnsmasq(['server=/example.com/10.90.254.1'])).toThrow(/not loopback/);
  });

  it('nginx and caddy serve on a free loopback port', async () => {
    const nginx = await startNginx("server { listen $HOST:$PORT; location / { return 200 'nginx ok'; } }");
    const caddy = await startCaddy('http://$HOST:$PORT {\n  respond "caddy ok"\n}');
    try {
      expect((await get(`http://127.0.0.1:${nginx.port}/`)).body).toBe('nginx ok');
      expect((await get(`http://127.0.0.1:${caddy.port}/`)).body).toBe('caddy ok');
    } finally {
      await Promise.all([nginx.stop(), caddy.stop()]);
    }
  });

  it('redis answers PING', async () => {
    const redis = await startRedis();
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: redis.port }, () => s.write('PING\r\n'));
        s.once('data', (d) => {
          s.destroy();
          resolve(d.toString());
        });
        s.once('error', reject);
      });
      expect(reply).toBe('+PONG\r\n');
    } finally {
      await redis.stop();
    }
  });
});

describe('the loopback guard', () => {
  it('classifies destinations', () => {
    for (const ok of [
      '127.0.0.1',
      '127.0.100.7',
      '::1',
      '[::1]',
      'localhost',
      'pdf.localhost',
      '::ffff:127.0.0.1',
      undefined,
    ]) {
      expect(isLoopbackDestination(ok)).toBe(true);
    }
    for (const bad of [
      '10.90.254.1',
      '192.168.1.1',
      '1.1.1.1',
      '0.0.0.0',
      '::',
      '2001:db8::1',
      'example.com',
      'localhost.example.com',
      '::ffff:10.0.0.1',
    ]) {
      expect(isLoopbackDestination(bad)).toBe(false);
    }
  });

  it('is installed in every test worker and refuses before anything is sent', async () => {
    expect((net.Socket.prototype as unknown as Record<symbol, unknown>)[GUARDED]).toBe(true);
    expect((dns.lookup as unknown as Record<symbol, unknown>)[GUARDED]).toBe(true);
    // 0.0.0.0 is outside the allowed range but would stay on this machine even if the guard failed.
    expect(() => net.connect({ host: '0.0.0.0', port: 9 })).toThrow(/loopback guard/);
    expect(() => net.connect(9, '0.0.0.0')).toThrow(/loopback guard/);
    await expect(fetch('http://0.0.0.0:8/')).rejects.toThrow(); // 9 is on fetch's bad-port list
    expect(() => dns.lookup('example.com', () => undefined)).toThrow(/loopback guard/);
    const violations = takeViolations(); // taken here so that this test itself passes
    expect(violations.length).toBeGreaterThanOrEqual(4);
    expect(violations.every((v) => v.includes('loopback guard'))).toBe(true);
  });
});

describe('the fake API server, seen by a plain HTTP client', () => {
  it('requires the bearer token and lists with limit and continue at one resourceVersion', async () => {
    const api = await startFakeApiServer();
    try {
      for (const name of ['a', 'b', 'c'])
        api.apply('httproutes', httpRoute('home', name, [`${name}.example.com`]));
      const base = `${api.url}/apis/gateway.networking.k8s.io/v1/httproutes`;
      expect((await get(base)).status).toBe(401);
      const auth = { authorization: `Bearer ${api.token}` };
      const first = JSON.parse((await get(`${base}?limit=2`, auth)).body);
      expect(first.kind).toBe('HTTPRouteList');
      expect(first.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a', 'b']);
      expect(first.metadata.remainingItemCount).toBe(1);
      api.apply('httproutes', httpRoute('home', 'd', ['d.example.com'])); // not in the snapshot
      const second = JSON.parse(
        (await get(`${base}?limit=2&continue=${first.metadata.continue}`, auth)).body,
      );
      expect(second.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c']);
      expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      api.compact();
      expect((await get(`${base}?limit=2&continue=${first.metadata.continue}`, auth)).status).toBe(410);
    } finally {
      await api.close();
    }
  });

  it('streams watch events as chunked JSON lines from a resourceVersion, then 410 after compaction', async () => {
    const api = await startFakeApiServer();
    try {
      api.apply('httproutes', httpRoute('home', 'a', ['a.example.com']));
      const rv = api.state.rv;
      api.apply('httproutes', httpRoute('home', 'b', ['b.example.com']));
      const url = `${api.url}/apis/gateway.networking.k8s.io/v1/httproutes?watch=true&resourceVersion=${rv}&timeoutSeconds=1&allowWatchBookmarks=true`;
      const res = await get(url, { authorization: `Bearer ${api.token}` }); // ends after timeoutSeconds
      expect(res.headers['transfer-encoding']).toBe('chunked');
      const events = res.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(
        events.map(
          (e: { type: string; object: { metadata: { name: string } } }) =>
            `${e.type} ${e.object.metadata.name}`,
        ),
      ).toEqual(['ADDED b']);
      api.compact();
      const gone = await get(url, { authorization: `Bearer ${api.token}` });
      const [event] = gone.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(event.type).toBe('ERROR');
      expect(event.object.code).toBe(410);
    } finally {
      await api.close();
    }
  });
});
