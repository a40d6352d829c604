import { describe, expect, it } from 'vitest';
import { FRONTS } from './fronts.ts';
import { one } from './invariants.ts';
import { useFronts } from './suite.ts';

/**
 * Client networks through every front (issue 16): on lan.localhost (admins), clients of
 * 127.0.1.0/25 pass without a login and the app can tell (no identity, `X-Auth-Request-Access:
 * network`); 127.0.1.128/25 (the policy's loginNetworks) and everyone else sign in. The client
 * is the address the front saw, never a header the client wrote.
 */
const suite = useFronts();
const NAVIGATE: [string, string][] = [['Sec-Fetch-Mode', 'navigate']];

describe.each(FRONTS)('client networks through %s', (name) => {
  it('lets a LAN client in without an identity, and the app can tell', async () => {
    const front = suite.front(name);
    const res = await suite.send(front, { host: 'lan.localhost', target: '/x', from: '127.0.1.5' });
    expect(res.status).toBe(200);
    const got = front.received().find((r) => one(r.headers['x-case']) === String(suite.last()));
    // Caddy 2.6's copy_headers passes the identity headers empty; nginx and Envoy pass none.
    expect([
      one(got?.headers['x-auth-request-access']),
      one(got?.headers['x-auth-request-user']) || undefined,
    ]).toEqual(['network', undefined]);
    expect(suite.violations(front)).toEqual([]);
  });

  it('sends a client of the login networks, and one outside, to sign in', async () => {
    const front = suite.front(name);
    for (const from of ['127.0.1.200', '127.0.0.1', '127.0.2.5']) {
      const page = await suite.send(front, { host: 'lan.localhost', target: '/x', from, headers: NAVIGATE });
      expect([from, page.status]).toEqual([from, 302]);
      expect(String(page.headers.location)).toContain('/authorize?');
      const api = await suite.send(front, { host: 'lan.localhost', target: '/x', from });
      expect([from, api.status]).toEqual([from, 401]);
      expect(suite.reached(front, suite.last())).toBe(false);
    }
  });

  it('believes no address a client writes: X-Forwarded-For, Forwarded, X-Real-IP, True-Client-IP', async () => {
    const front = suite.front(name);
    for (const header of [
      ['X-Forwarded-For', '127.0.1.5'],
      ['X-Forwarded-For', '127.0.1.5, 127.0.1.6'],
      ['Forwarded', 'for=127.0.1.5'],
      ['X-Real-IP', '127.0.1.5'],
      ['True-Client-IP', '127.0.1.5'],
      ['X-Client-IP', '127.0.1.5'],
    ] as [string, string][]) {
      const res = await suite.send(front, { host: 'lan.localhost', target: '/x', headers: [header] });
      expect([header[0], res.status]).toEqual([header[0], 401]);
      expect(suite.reached(front, suite.last())).toBe(false);
    }
    expect(suite.violations(front)).toEqual([]);
  });

  it('keeps a signed-in user their identity; one the policy refuses passes as the LAN, and is told so elsewhere', async () => {
    const front = suite.front(name);
    expect((await suite.send(front, { user: 'alice', host: 'lan.localhost', target: '/x' })).status).toBe(
      200,
    );
    const eveLan = await suite.send(front, {
      user: 'eve',
      host: 'lan.localhost',
      target: '/x',
      from: '127.0.1.9',
    });
    expect(eveLan.status).toBe(200);
    const eve = await suite.send(front, {
      user: 'eve',
      host: 'lan.localhost',
      target: '/x',
      headers: NAVIGATE,
    });
    expect(eve.status).toBe(403);
    expect(eve.body).toContain('You are signed in as eve, who may not use this app.');
    expect(suite.violations(front)).toEqual([]);
  });
});
