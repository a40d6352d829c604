import { createMetricsRegistry } from '@horizon/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthApp } from '../../src/app.ts';
import { createCheck } from '../../src/check/check.ts';
import { authError } from '../../src/errors.ts';
import type { RawCheck } from '../../src/request/read.ts';
import { createSealer, decodeKeys } from '../../src/session/seal.ts';
import { capture, memoryStore, NOW, session } from '../fixtures.ts';
import { authConfig, KEY, startApp } from '../helpers.ts';
import { checkDeps } from './fixtures.ts';

describe('a check with a known session', () => {
  let auth: AuthApp;
  const registry = createMetricsRegistry('authproxy');
  const cookie = createSealer(decodeKeys([KEY])).seal('session', session());
  beforeAll(async () => {
    auth = await startApp(authConfig(), { now: () => NOW, registry });
  });
  afterAll(() => auth.app.close());

  it('is answered without a promise once the session is cached, and counted', async () => {
    const raw = {
      method: 'GET',
      url: '/doc',
      headers: { host: 'pdf.localhost', cookie: `horizon=${cookie}`, accept: 'text/html' },
      cookies: { horizon: cookie },
      peer: '127.0.0.1',
    };
    expect((await auth.check(raw)).status).toBe(200);
    const again = auth.check(raw);
    expect(again).not.toBeInstanceOf(Promise);
    expect((again as { reason: string }).reason).toBe('session');
    expect(await registry.metrics()).toMatch(
      /^horizon_authproxy_checks_total\{decision="allow",reason="session",policy="pdf",[^}]*\} 2$/m,
    );
  });
});

describe('what every check gets', () => {
  const raw = (headers: Record<string, string> = {}): RawCheck => ({
    method: 'GET',
    url: '/x',
    headers: { host: 'pdf.localhost', accept: '*/*', ...headers },
    cookies: { horizon: 'v' },
    peer: '127.0.0.1',
  });
  const failing = (read: () => never | Promise<never>) => {
    const registry = createMetricsRegistry('authproxy');
    const log = capture();
    const store = { ...memoryStore(), read };
    return {
      check: createCheck(checkDeps({ store, registry, logger: log.logger })),
      registry,
      lines: log.lines,
    };
  };

  it('answers an error with a 403 page (never a 5xx, which Envoy would replace), logged, counted under no policy', async () => {
    const { check, registry, lines } = failing(() => {
      throw new TypeError('a bug');
    });
    expect(check(raw())).toMatchObject({ status: 403, reason: 'error' });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['error', 'check failed']]);
    expect(await registry.metrics()).toMatch(
      /^horizon_authproxy_checks_total\{decision="deny",reason="error",policy="",[^}]*\} 1$/m,
    );
  });

  it("says so when a dependency is down, and gives nginx's auth_request the bare 401 it passes", async () => {
    const { check } = failing(() => Promise.reject(authError('E_SESSION_STORE', 'down')));
    expect(await check(raw())).toMatchObject({ status: 424, reason: 'store-unavailable' });
    const fromNginx = raw({
      'x-horizon-auth-request': '1',
      'x-forwarded-uri': '/x',
      'x-forwarded-method': 'GET',
    });
    expect(await check(fromNginx)).toEqual({
      status: 401,
      headers: {},
      body: '',
      reason: 'store-unavailable',
    });
  });
});
