import type { Browser, Page } from '@horizon/test/harness';
import { expect } from 'vitest';

// The app-passwords page as a signed-in user's browser uses it, for the tests through the fronts.

/** An HTTP Basic Authorization header. */
export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The app-passwords page's pages: make one (the GET form's confirmation, then its POST), list, revoke. */
export async function makePassword(
  browser: Browser,
  origin: string,
  name: string,
  scope = 'host:files.localhost',
  user = 'bob',
) {
  const query = new URLSearchParams({ op: 'new', name, scope, days: '30' });
  const confirm = await browser.send('GET', `${origin}/oauth2/app-passwords?${query}`);
  expect([confirm.status, confirm.body]).toEqual([
    403,
    expect.stringContaining(`will work on every app on ${scope.slice('host:'.length)}`),
  ]);
  const made = await browser.submit(confirm);
  const password = /<pre>(hzp_[a-z2-7_]+)<\/pre>/.exec(made.body)?.[1];
  if (!password) throw new Error(`no password made: ${made.status} ${made.body}`);
  expect(made.body).toContain(`curl -u ${user}:${password} `);
  return password;
}

/** Revokes `password` from the app-passwords page's list, as its Revoke button does. */
export async function revoke(browser: Browser, origin: string, password: string): Promise<Page> {
  const list = await browser.send('GET', `${origin}/oauth2/app-passwords`);
  const id = password.slice(4, 17);
  const action = new RegExp(`<form method="post" action="([^"]*op=revoke&#38;id=${id}[^"]*)"`).exec(
    list.body,
  )?.[1];
  if (!action) throw new Error(`no revoke form for ${id}`);
  return browser.send('POST', new URL(action.replaceAll('&#38;', '&'), `${origin}/`).href, {
    body: '',
    site: 'same-origin',
  });
}
