import { describe, expect, it } from 'vitest';
import { createReadableStep } from '../../src/check/readable.ts';
import { createLogLimiter } from '../../src/log-limit.ts';
import { identityHeaders } from '../../src/request/identity-headers.ts';
import { type RawCheck, readOptionsOf } from '../../src/request/read.ts';
import { authConfig } from '../auth-config.ts';
import { capture } from '../fixtures.ts';

describe('the readable step', () => {
  const config = authConfig({ trustedProxies: ['127.0.0.1'] });
  const reading = readOptionsOf(config, identityHeaders(config.headers));
  const raw = (over: Partial<RawCheck>): RawCheck => ({
    method: 'GET',
    url: '/x',
    headers: { host: 'pdf.localhost' },
    cookies: {},
    peer: '127.0.0.1',
    ...over,
  });

  it('passes a plain request on, read once', () => {
    const { logger, lines } = capture();
    const step = createReadableStep({ reading, logs: createLogLimiter(), log: logger });
    expect(step(raw({}))).toMatchObject({ hostname: 'pdf.localhost', path: '/x', via: 'envoy' });
    expect(lines).toEqual([]);
  });

  it('refuses with the page of its reason, logs the peer and what it was, a few lines per reason', () => {
    const { logger, lines } = capture();
    const step = createReadableStep({ reading, logs: createLogLimiter({ lines: 2 }), log: logger });
    const forwarded = { host: 'auth', 'x-forwarded-uri': '/x', 'x-forwarded-method': 'GET' };
    for (let i = 0; i < 5; i++) {
      expect(step(raw({ headers: forwarded, peer: `10.0.0.${i}` }))).toMatchObject({
        reply: { status: 403, reason: 'untrusted-proxy' },
        authRequest: false,
      });
    }
    expect(lines.map((l) => [l.msg, l.peer, l.detail])).toEqual([
      ['check refused: untrusted-proxy', '10.0.0.0', '10.0.0.0'],
      ['check refused: untrusted-proxy', '10.0.0.1', '10.0.0.1'],
    ]);
    expect(step(raw({ headers: { host: 'a b' } }))).toMatchObject({
      reply: { status: 400, reason: 'bad-host' },
    });
  });

  it("keeps auth_request's flag on a refusal from a trusted proxy", () => {
    const step = createReadableStep({ reading, logs: createLogLimiter(), log: capture().logger });
    const headers = {
      host: 'auth',
      'x-forwarded-host': 'pdf.localhost',
      'x-forwarded-uri': '/x',
      'x-forwarded-method': 'GET',
      'x-horizon-auth-request': '1',
      x_auth_request_user: 'root',
    };
    expect(step(raw({ headers }))).toMatchObject({
      reply: { status: 400, reason: 'identity-header' },
      authRequest: true,
    });
  });
});
