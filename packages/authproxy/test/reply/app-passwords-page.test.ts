import { describe, expect, it } from 'vitest';
import { confirmPage, createdPage, listPage, type PageView } from '../../src/reply/app-passwords-page.ts';
import { PAGE_CSP } from '../../src/reply/pages.ts';

const view: PageView = {
  path: '/oauth2/app-passwords',
  user: 'bob<script>',
  hostname: 'files.localhost',
  origin: 'https://files.localhost',
  token: 'T&"',
  scopes: [{ value: 'host:files.localhost', label: 'every app on files.localhost' }],
  noScopes: '',
  everywhere: true,
};
const evil = '<img src=x onerror=alert(1)>"';

describe('the app-passwords page', () => {
  it("escapes every value (a name is the user's own text), loads nothing, and is never a 2xx", () => {
    const list = listPage(view, [
      {
        id: 'abc',
        sub: 'u',
        user: 'bob',
        name: evil,
        scope: { policy: evil },
        createdAt: 1_800_000_000,
        lastUsed: 1_800_000_060,
        hash: 'h',
      },
    ]);
    for (const reply of [
      list,
      confirmPage(view, { name: evil, scope: 'policy:x', days: 7 }, evil),
      createdPage(view, evil, 'hzp_x'),
    ]) {
      expect(reply.status).toBe(403);
      expect(reply.body).not.toContain('<img');
      expect(reply.body).not.toContain('<script>');
      expect(reply.headers['content-security-policy']).toBe(PAGE_CSP);
      expect(reply.body).not.toMatch(/(src|href)="https?:/);
    }
    expect(list.body).toContain('2027-01-15 08:00 UTC'); // made
    expect(list.body).toContain('<td>never</td><td><form'); // no expiry
    expect(list.body).toContain('token=T%26%22'); // in the action's query, encoded and escaped
  });
});
