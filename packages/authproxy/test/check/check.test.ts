import { createMetricsRegistry } from '@horizon/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthApp } from '../../src/app.ts';
import { createSealer, decodeKeys } from '../../src/session/seal.ts';
import type { Session } from '../../src/session/types.ts';
import { authConfig, KEY, startApp } from '../helpers.ts';

const NOW = 1_800_000_000;
const session = (sid: string): Session => ({
  sid,
  sub: `u-${sid}`,
  user: sid,
  groups: ['family'],
  host: 'pdf.localhost',
  createdAt: NOW - 10,
  renewedAt: NOW - 10,
});

describe('a check with a known session', () => {
  let auth: AuthApp;
  const registry = createMetricsRegistry('authproxy');
  const cookie = createSealer(decodeKeys([KEY])).seal('session', session('bob'));
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
