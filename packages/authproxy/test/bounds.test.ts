import { connect, type Socket } from 'node:net';
import { createMetricsRegistry } from '@horizon/shared';
import { manualClock, rawRequest, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthApp } from '../src/app.ts';
import { capture } from './fixtures.ts';
import { authConfig, startApp } from './helpers.ts';

describe('what a client can make the service remember or write (point 10)', () => {
  let auth: AuthApp & { url: string };
  const log = capture();
  beforeAll(async () => {
    auth = await startApp(authConfig({ trustedProxies: [] }), {
      logger: log.logger,
      registry: createMetricsRegistry('authproxy'),
      clock: manualClock(), // one log window, however long the loop takes
    });
  });
  afterAll(() => auth.app.close());

  it('90,000 untrusted addresses sending forwarded headers: a handful of log lines, no entry each', () => {
    for (let i = 0; i < 90_000; i++) {
      const peer = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const reply = auth.check({
        method: 'GET',
        url: '/',
        headers: { host: 'auth', 'x-forwarded-uri': '/x', 'x-forwarded-method': 'GET' },
        cookies: {},
        peer,
      });
      expect((reply as { status: number }).status).toBe(403);
    }
    const untrusted = log.lines.filter((l) => l.cause === 'untrusted-proxy');
    // Limited per cause (the limiter's key is the service's own string, never the address).
    expect(untrusted.length).toBe(5);
  });

  it("a bogus callback is the client's doing: one line with its code, no stack", async () => {
    const reply = await auth.check({
      method: 'GET',
      url: '/oauth2/callback?code=made-up&state=made-up',
      headers: { host: 'pdf.localhost', 'x-forwarded-proto': 'http', 'sec-fetch-mode': 'navigate' },
      cookies: {},
      peer: '127.0.0.1',
    });
    expect((reply as { status: number }).status).toBe(400);
    const line = log.lines.find((l) => l.msg === 'login failed');
    expect(line).toMatchObject({ level: 'warn', code: expect.stringMatching(/^E_/), host: 'pdf.localhost' });
    expect(typeof line?.err).toBe('string'); // a one-line description, not a serialised error
    expect(JSON.stringify(line)).not.toContain('\n    at ');
  });
});

describe('the check port holds its bounds', () => {
  let auth: AuthApp & { url: string };
  const registry = createMetricsRegistry('authproxy');
  beforeAll(async () => {
    auth = await startApp(authConfig({ 'listen.maxConnections': 16 }), {
      logger: capture().logger,
      registry,
    });
  });
  afterAll(() => auth.app.close());
  const port = () => Number(new URL(auth.url).port);

  it('closes connections past listen.maxConnections at once, and takes new ones when others go', async () => {
    const open = await Promise.all(
      Array.from(
        { length: 16 },
        () =>
          new Promise<Socket>((resolve) => {
            const s = connect(port(), '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    await waitFor(
      'the server counting them',
      () => new Promise<boolean>((resolve) => auth.app.server.getConnections((_e, n) => resolve(n === 16))),
    );
    const extra = connect(port(), '127.0.0.1');
    await new Promise((resolve) => extra.once('close', resolve)); // closed without an answer
    for (const s of open) s.destroy();
    await waitFor(
      'the others gone',
      () => new Promise<boolean>((resolve) => auth.app.server.getConnections((_e, n) => resolve(n === 0))),
    );
    const res = await rawRequest({
      port: port(),
      target: '/x',
      headers: [
        ['Host', 'pdf.localhost'],
        ['Accept', '*/*'],
      ],
    });
    expect(res.status).toBe(401);
  });

  it('answers a CONNECT (Node would close it without a word)', async () => {
    const res = await rawRequest({
      port: port(),
      method: 'CONNECT',
      target: 'strict.localhost:443',
      headers: [['Host', 'strict.localhost:443']],
    });
    expect(res.status).toBe(405);
  });

  it('answers a check with a body (through fastify, which drops it) as it answers one without', async () => {
    const headers: [string, string][] = [
      ['Host', 'pdf.localhost'],
      ['Accept', '*/*'],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    ];
    const bodyless = await rawRequest({ port: port(), method: 'POST', target: '/x', headers });
    const withBody = await rawRequest({ port: port(), method: 'POST', target: '/x', headers, body: 'a=1' });
    expect([bodyless.status, withBody.status]).toEqual([401, 401]);
    expect(withBody.headers['www-authenticate']).toBe(bodyless.headers['www-authenticate']);
  });

  it('answers 431 to headers past 16 KB and 413 to a body past 64 KB, without reading them', async () => {
    const big = await rawRequest({
      port: port(),
      target: '/x',
      headers: [
        ['Host', 'pdf.localhost'],
        ['X-Big', 'a'.repeat(20_000)],
      ],
    });
    expect(big.status).toBe(431);
    const body = await rawRequest({
      port: port(),
      method: 'POST',
      target: '/x',
      headers: [
        ['Host', 'pdf.localhost'],
        ['Content-Type', 'text/plain'],
      ],
      body: 'a'.repeat(70_000),
    });
    expect(body.status).toBe(413);
  });

  it('keeps 1,000 callback answers for retries, forgetting the oldest', async () => {
    const callback = (state: string) =>
      auth.check({
        method: 'GET',
        url: `/oauth2/callback?code=c&state=${state}`,
        headers: { host: 'pdf.localhost', accept: 'text/html', 'x-request-id': 'r' },
        cookies: { [`horizon-flow-${state.slice(0, 16)}`]: 'not-a-flow' },
        peer: '127.0.0.1',
      });
    const replayed = async () =>
      Number(/logins_total\{result="replayed"[^}]*\} (\d+)/.exec(await registry.metrics())?.[1] ?? 0);
    const state = (i: number) => `s${String(i).padStart(15, '0')}x`;
    await callback(state(0));
    await callback(state(0));
    expect(await replayed()).toBe(1);
    for (let i = 1; i <= 1000; i++) await callback(state(i));
    await callback(state(0)); // forgotten: answered afresh
    expect(await replayed()).toBe(1);
  });
});
