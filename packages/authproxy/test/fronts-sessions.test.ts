import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRONTS } from './fronts.ts';
import { one } from './invariants.ts';
import { useFronts } from './suite.ts';

/**
 * The security regression suite of issue 13, points 4-13 (tokens, sessions, cookies, identity
 * headers, hosts, callback errors, answers' size, methods), through every front; the apps and
 * the rules as in fronts.test.ts.
 */
const suite = useFronts();

describe.each(FRONTS)('through %s', (name) => {
  const front = () => suite.front(name);
  const send = suite.send;
  const clean = () => expect(suite.violations(front())).toEqual([]);
  const reached = (id: number) => suite.reached(front(), id);

  it('4: never takes an ID token for a bearer token', async () => {
    const token = await suite.fronts().idToken('alice');
    for (const host of ['pdf.localhost', 'strict.localhost', 'lenient.localhost']) {
      const res = await send(front(), {
        host,
        target: '/api/x',
        headers: [['Authorization', `Bearer ${token}`]],
      });
      expect(res.status).toBe(401);
      expect(reached(suite.last())).toBe(false);
    }
    clean();
  });

  it('5: a session counts only on its host; apps never see Horizon cookies, and see their own', async () => {
    await send(front(), {
      user: 'bob',
      sessionHost: 'pdf.localhost',
      host: 'lenient.localhost',
      target: '/x',
    });
    expect(reached(suite.last())).toBe(false);
    await send(front(), {
      user: 'alice',
      sessionHost: 'pdf.localhost',
      host: 'strict.localhost',
      target: '/x',
    });
    expect(reached(suite.last())).toBe(false);
    const flow = `horizon-flow-${randomBytes(12).toString('base64url')}=x`;
    await send(front(), {
      user: 'bob',
      host: 'pdf.localhost',
      target: '/x',
      headers: [['Cookie', `app=1; ${flow}; b=2`]],
    });
    const got = front()
      .received()
      .find((r) => one(r.headers['x-case']) === String(suite.last()));
    expect(one(got?.headers.cookie)?.split(/;\s*/).sort()).toEqual(['app=1', 'b=2']);
    clean();
  });

  it('6: identity headers reach apps only from the answer, in every spelling', async () => {
    for (const header of [
      'X-Auth-Request-User',
      'x-auth-request-groups',
      'X_Auth_Request_Email',
      'x_auth_request_groups',
      'X-Auth_Request-User',
      'X-Forwarded-User',
      'X-Forwarded-Email',
      'Remote-User',
      'Remote-Groups',
      'X-WEBAUTH-USER',
      'X-Authentik-Username',
      'Tailscale-User-Login',
    ]) {
      for (const [user, target] of [
        [undefined, '/static/x'],
        ['bob', '/x'],
        ['alice', '/admin/x'],
      ] as const)
        await send(front(), { user, host: 'pdf.localhost', target, headers: [[header, 'admins']] });
    }
    clean();
  });

  it('7: a Host that is not a plain host[:port] is refused, and no redirect names another host', async () => {
    for (const host of [
      'pdf.localhost:$PORT@evil.example',
      'evil.example@pdf.localhost',
      'pdf.localhost evil',
      'pdf.localhost:$PORT/x',
      'pdf.localhost:99999',
      'pdf.localhost,evil.example',
    ]) {
      for (const target of ['/oauth2/sign_out', '/x', '/static/x']) {
        const res = await send(front(), { host: host.replaceAll('$PORT', String(front().port)), target });
        expect(String(res.headers.location ?? '')).not.toContain('evil');
        // nginx reads its own `$host` out of such a value (pdf.localhost for the first) and serves
        // that site: what the check gets is that clean host, so it is judged as itself.
        if (name !== 'nginx') expect(reached(suite.last()), `${host} ${target}`).toBe(false);
      }
    }
    const upper = await send(front(), { host: 'PDF.LOCALHOST', target: '/static/x' });
    expect(upper.status).toBe(200); // case does not make a host unplain
    clean();
  });

  it('9: a callback error shows a fixed text for its code, never text from the URL', async () => {
    const res = await send(front(), {
      host: 'pdf.localhost',
      target:
        '/oauth2/callback?error=access_denied&error_description=Your+account+is+locked.+Call+%2B1-555-0100&state=x',
    });
    expect(res.body).toContain('cancelled or refused');
    expect(res.body).not.toMatch(/555|locked/);
    const other = await send(front(), {
      host: 'pdf.localhost',
      target: '/oauth2/callback?error=Call+%2B1-555-0100',
    });
    expect(other.body).not.toMatch(/555/);
    expect(other.body).toContain('did not complete the sign-in');
  });

  it('11: stray flow cookies cannot make an answer long', async () => {
    const stray = Array.from(
      { length: 150 },
      () => `horizon-flow-${randomBytes(12).toString('base64url')}=x`,
    );
    const res = await send(front(), {
      host: 'pdf.localhost',
      target: '/x',
      headers: [
        ['Cookie', stray.join('; ')],
        ['Accept', 'text/html'],
        ['Sec-Fetch-Mode', 'navigate'],
      ],
    });
    expect(res.status).toBe(302);
    // The new flow, and at most four strays cleared per answer (login/flow-cookies.ts).
    expect([res.headers['set-cookie'] ?? []].flat().length).toBe(5);
  });

  it('13: methods are case-sensitive: `options` is not the public OPTIONS', async () => {
    const res = await send(front(), { method: 'options', host: 'pdf.localhost', target: '/users' });
    expect(res.status).not.toBe(200);
    expect(reached(suite.last())).toBe(false);
    const preflight = await send(front(), { method: 'OPTIONS', host: 'pdf.localhost', target: '/users' });
    expect(preflight.status).toBe(200);
    clean();
  });
});
