import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  createMetricsRegistry,
  createOpsServer,
  createReadiness,
  createShutdown,
  limitViews,
} from '../src/index.ts';

const silent = createLogger({ level: 'silent', format: 'json' }, { service: 'test' });

describe('ops server', () => {
  it('serves /healthz, /readyz (503 until every check passes, 503 again when draining), /metrics and extra routes', async () => {
    const readiness = createReadiness();
    let synced = false;
    readiness.add('watcher-synced', () => synced);
    readiness.add('throws', () => {
      throw new Error('a broken check fails, it does not 500');
    });
    const registry = createMetricsRegistry('test');
    new Counter({ name: 'horizon_test_things_total', help: 'things', registers: [registry] }).inc(3);
    const ops = createOpsServer({
      host: '127.0.0.1',
      port: 0,
      readiness,
      registry,
      logger: silent,
      routes: { '/records': () => ({ json: { names: 2 } }), '/': () => ({ html: '<p>status</p>' }) },
    });
    const { port } = await ops.listen();
    const base = `http://127.0.0.1:${port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      const verbose = await (await fetch(`${base}/readyz?verbose`)).json();
      expect(verbose).toEqual({
        ready: false,
        draining: false,
        checks: { 'watcher-synced': false, throws: false },
      });

      const ready = createReadiness();
      ready.add('watcher-synced', () => synced);
      synced = true;
      expect(ready.ready()).toBe(true);
      ready.drain();
      expect(ready.ready()).toBe(false);
      expect(() => ready.add('watcher-synced', () => true)).toThrow(/twice/);

      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      const text = await metrics.text();
      expect(text).toContain('horizon_test_things_total{service="test"} 3');
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      expect(await (await fetch(`${base}/records`)).json()).toEqual({ names: 2 });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      const status = await fetch(`${base}/`);
      expect(status.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(status.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await status.text()).toBe('<p>status</p>');
      expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
      expect(await (await fetch(`${base}/healthz`, { method: 'HEAD' })).text()).toBe('');
    } finally {
      await ops.close();
    }
  });
});

describe('ops server, odd requests', () => {
  it('a path the URL parser refuses (`//`) is a 400, not a 500 with an error logged per request', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', format: 'json' }, { service: 'test', destination });
    const ops = createOpsServer({
      host: '127.0.0.1',
      port: 0,
      readiness: createReadiness(),
      registry: createMetricsRegistry('test'),
      logger,
      routes: { '/': () => ({ html: '<p>status</p>' }) },
    });
    const { port } = await ops.listen();
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get('//')).toBe(400);
      expect(await get('//?q=%ff')).toBe(400);
      expect(await get('/?q=%ff%fe')).toBe(200);
      expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    } finally {
      await ops.close();
    }
  });
});

describe('limitViews', () => {
  it('makes a page at most perSecond times a second after a burst; past it a 503 at once, without making it', async () => {
    let t = 0;
    let made = 0;
    const route = limitViews(
      () => {
        made += 1;
        return { html: '<p>status</p>' };
      },
      { perSecond: 5, burst: 10, now: () => t },
    );
    const url = new URL('http://ops.invalid/');
    const burst = await Promise.all(Array.from({ length: 200 }, () => route(url)));
    expect(burst.filter((v) => v.html !== undefined)).toHaveLength(10);
    expect(burst.filter((v) => v.status === 503 && /busy/.test(v.text ?? ''))).toHaveLength(190);
    expect(made).toBe(10);
    t += 1000; // a second later: five more
    const next = await Promise.all(Array.from({ length: 20 }, () => route(url)));
    expect(next.filter((v) => v.html !== undefined)).toHaveLength(5);
    t += 60_000; // a quiet minute refills the burst, no more
    const later = await Promise.all(Array.from({ length: 20 }, () => route(url)));
    expect(later.filter((v) => v.html !== undefined)).toHaveLength(10);
    expect(made).toBe(25);
  });
});

describe('graceful shutdown', () => {
  const setup = (steps: { name: string; close: () => Promise<void> }[], lameDuckMs = 50) => {
    const signals = new EventEmitter();
    const readiness = createReadiness();
    const exits: number[] = [];
    const order: string[] = [];
    const shutdown = createShutdown({
      readiness,
      lameDuckMs,
      logger: silent,
      steps: steps.map((s) => ({
        name: s.name,
        close: async () => {
          order.push(s.name);
          return s.close();
        },
      })),
      signals,
      exit: (code) => exits.push(code),
      stepTimeoutMs: 100,
    });
    return { signals, readiness, exits, order, shutdown };
  };

  it('on SIGTERM: not ready at once, serves through the lame duck, closes steps in order, exits 0', async () => {
    const t = setup([
      { name: 'listeners', close: async () => undefined },
      { name: 'watcher', close: async () => undefined },
    ]);
    t.signals.emit('SIGTERM', 'SIGTERM');
    expect(t.readiness.ready()).toBe(false);
    expect(t.order).toEqual([]); // still in the lame-duck period
    await t.shutdown.begin('test');
    expect(t.order).toEqual(['listeners', 'watcher']);
    expect(t.exits).toEqual([0]);
    t.shutdown.dispose();
  });

  it('exits 1 when a step fails or hangs past its bound, after closing the others', async () => {
    const t = setup(
      [
        { name: 'hangs', close: () => new Promise<void>(() => undefined) },
        { name: 'fails', close: async () => Promise.reject(new Error('boom')) },
        { name: 'fine', close: async () => undefined },
      ],
      0,
    );
    await t.shutdown.begin('test');
    expect(t.order).toEqual(['hangs', 'fails', 'fine']);
    expect(t.exits).toEqual([1]);
    t.shutdown.dispose();
  });

  it('exits at once with 1 on a second signal', async () => {
    const t = setup([{ name: 'slow', close: () => new Promise((r) => setTimeout(r, 50)) }], 1000);
    t.signals.emit('SIGTERM', 'SIGTERM');
    t.signals.emit('SIGINT', 'SIGINT');
    expect(t.exits).toEqual([1]);
    t.shutdown.dispose();
  });

  it('leaves signals to the system once it exits, so a process whose exit hangs can still be killed', async () => {
    const t = setup([], 0);
    expect(t.signals.listenerCount('SIGTERM')).toBe(1);
    await t.shutdown.begin('test');
    expect(t.exits).toEqual([0]);
    expect([t.signals.listenerCount('SIGTERM'), t.signals.listenerCount('SIGINT')]).toEqual([0, 0]);
  });
});

describe('logger', () => {
  it('writes JSON lines with the service and component, and censors secrets wherever they appear', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const root = createLogger({ level: 'info', format: 'json' }, { service: 'authproxy', destination });
    root.child({ component: 'check' }).info(
      {
        req: {
          headers: {
            authorization: 'Bearer abc.def',
            cookie: '__Host-s=secret',
            'set-cookie': 'x=y',
            accept: 'text/html',
          },
        },
        tokens: { refresh_token: 'r1', idToken: 'i1' },
        clientSecret: 'cs',
      },
      'checked',
    );
    root.debug('not at info');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line).toMatchObject({ level: 'info', service: 'authproxy', component: 'check', msg: 'checked' });
    expect(line.req.headers.accept).toBe('text/html');
    for (const secret of ['abc.def', '__Host-s=secret', 'x=y', 'r1', 'i1', 'cs'])
      expect(lines[0]).not.toContain(secret);
  });
});
