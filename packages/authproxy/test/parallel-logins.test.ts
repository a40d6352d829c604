import { Browser, echoed, type Page } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrontName, type Fronts, startFronts } from './fronts.ts';

/**
 * Point 12: tabs restored after a session ended each start a login at once. Up to
 * `flow.maxParallel` (16) of them finish where they started; past it the oldest is dropped
 * (its tab either finds the browser signed in by another tab and lands on the app's root, or
 * says its sign-in was replaced), and the flows never outgrow nginx's 8 KB header line.
 */
let fronts: Fronts;
beforeAll(async () => {
  fronts = await startFronts();
}, 60_000);
afterAll(() => fronts?.close());

/** Opens `count` tabs of the app in one browser; each stops at the provider's sign-in page. */
async function openTabs(browser: Browser, origin: string, count: number): Promise<Page[]> {
  const tabs: Page[] = [];
  for (let i = 1; i <= count; i++) {
    const page = await browser.navigate(`${origin}/tab/${i}`);
    const login = browser.history.findLast((p) => p.url.startsWith(`${origin}/tab/${i}`));
    // Its flow; past flow.maxParallel (16), also the oldest one cleared.
    expect([i, [login?.headers['set-cookie'] ?? []].flat().length]).toEqual([i, i > 16 ? 2 : 1]);
    tabs.push(page);
  }
  return tabs;
}

describe.each(['gateway', 'nginx', 'caddy'] as FrontName[])('through %s', (name) => {
  it('sixteen tabs sign in at once, each back where it started; the seventeenth replaces the oldest', async () => {
    const origin = fronts.origin(name, 'pdf.localhost');
    const browser = new Browser();
    const tabs = await openTabs(browser, origin, 17);
    const flows = browser.cookies.filter((c) => c.name.startsWith('horizon-flow-'));
    expect(flows.length).toBe(16);
    expect(flows.reduce((sum, c) => sum + c.name.length + c.value.length + 2, 0)).toBeLessThan(4096);
    // The oldest tab first: nothing signed in yet, so it says what happened.
    const oldest = await browser.signInAs(tabs[0] as Page, 'bob');
    expect(oldest.status).toBe(400);
    expect(oldest.body).toContain('replaced by a newer sign-in');
    for (const [i, tab] of tabs.entries()) {
      if (i === 0) continue;
      const landed = await browser.signInAs(tab, 'bob');
      expect([i + 1, landed.status, echoed(landed.body).url]).toEqual([i + 1, 200, `/tab/${i + 1}`]);
    }
    expect(browser.cookies.filter((c) => c.name.startsWith('horizon-flow-'))).toEqual([]);
  });

  it('a dropped tab that comes back after another signed in lands on the app, signed in', async () => {
    const origin = fronts.origin(name, 'pdf.localhost');
    const browser = new Browser();
    const tabs = await openTabs(browser, origin, 17);
    expect((await browser.signInAs(tabs[16] as Page, 'alice')).status).toBe(200);
    const late = await browser.signInAs(tabs[0] as Page, 'alice');
    expect(late.status).toBe(200);
    expect(echoed(late.body).url).toBe('/');
    expect(echoed(late.body).headers['x-auth-request-user']).toBe('alice');
  });
});
