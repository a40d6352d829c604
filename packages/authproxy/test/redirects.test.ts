import { Browser, formOf } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './helpers.ts';

/**
 * Open-redirect attempts, each a link a victim could be sent: after the login (and after a
 * sign-out) the browser must land on the app's own origin, whatever the link said. Links are
 * parsed as a browser parses them (WHATWG URL), which is what a victim's browser would send.
 */
describe('open redirects through a real login', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const vectors = [
    '//evil.example.com/x',
    '/\\evil.example.com/x',
    '/%2F%2Fevil.example.com',
    '/%5Cevil.example.com',
    '/%2F%5Cevil.example.com',
    '/@evil.example.com',
    '/.evil.example.com',
    '/%09/evil.example.com',
    '/%0D%0ALocation:%20http://evil.example.com',
    '/ /evil.example.com',
    '/x?rd=https://evil.example.com&redirect=//evil.example.com',
    '/oauth2/callback/../..//evil.example.com',
    '/%E3%80%82evil.example.com',
  ];

  it.each(vectors)('%s lands on the app', async (vector) => {
    const browser = new Browser();
    const login = await browser.navigate(`${stack.app}${vector}`);
    const landed = login.url.startsWith(stack.op.issuer) ? await browser.signInAs(login, 'alice') : login;
    const callback = browser.history.find((p) => new URL(p.url).pathname === '/oauth2/callback');
    for (const page of browser.history) {
      const location = page.headers.location;
      if (typeof location !== 'string') continue;
      const target = new URL(location, page.url);
      expect([stack.app, stack.op.issuer]).toContain(target.origin);
      // The raw header too: no backslash tricks, no control characters a browser might strip.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
      expect(location).not.toMatch(/[\u0000-\u001f\\]/);
    }
    if (callback) {
      expect(String(callback.headers.location).startsWith(`${stack.app}/`)).toBe(true);
      expect(new URL(landed.url).origin).toBe(stack.app);
    }
  });

  it('signs out to the app, whatever the link adds', async () => {
    const browser = new Browser();
    await browser.signInAs(await browser.navigate(`${stack.app}/`), 'bob');
    const out = await browser.send(
      'GET',
      `${stack.app}/oauth2/sign_out?rd=https://evil.example.com&post_logout_redirect_uri=https://evil.example.com`,
      { site: 'same-origin' },
    );
    const form = formOf(out);
    expect(new URL(form?.action ?? '').origin).toBe(stack.op.issuer);
    expect(form?.fields.post_logout_redirect_uri).toBe(`${stack.app}/`);
  });
});
