import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthApp } from '../../src/app.ts';
import { htmlPage } from '../../src/reply/reply.ts';
import { createSealer, decodeKeys } from '../../src/session/seal.ts';
import { NOW, session } from '../fixtures.ts';
import { authConfig, KEY, startApp } from '../helpers.ts';

describe('the HTTP shell', () => {
  let auth: AuthApp;
  const cookie = createSealer(decodeKeys([KEY])).seal('session', session());
  beforeAll(async () => {
    auth = await startApp(authConfig(), { now: () => NOW });
  });
  afterAll(() => auth.app.close());

  it('is written by hand as fastify would: a sized empty body, every header line, for GET and HEAD', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await auth.app.inject({
        method,
        url: '/doc',
        headers: { host: 'pdf.localhost', cookie: `horizon=${cookie}`, accept: 'text/html' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-length']).toBe('0');
      expect(res.headers['transfer-encoding']).toBeUndefined();
      expect(res.headers['x-auth-request-user']).toBe('bob');
      expect(res.headers['x-auth-request-groups']).toBe('family');
      expect(res.body).toBe('');
    }
    const page = await auth.app.inject({
      method: 'GET',
      url: '/doc',
      headers: { host: 'nowhere.localhost' },
    });
    expect(Number(page.headers['content-length'])).toBe(Buffer.byteLength(page.body));
    expect(page.body).toBe(
      htmlPage(403, 'Forbidden', 'No access policy covers this request.', 'no-policy').body,
    );
  });
});
