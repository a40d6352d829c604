import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoRun, demoUp, runDemo } from './demo/run.ts';
import { isLoopbackUrl, type RealBrowser, startChromium } from './harness/chromium.ts';

// The sign-in demo as a person uses it, in Debian's Chromium: sign in, read the app's page, sign
// out (of the provider too), sign in as someone the policy refuses, and never load a thing from
// outside the machine.
let demo: DemoRun;
let browser: RealBrowser;
let app: string;

beforeAll(async () => {
  demo = await runDemo();
  await demoUp(demo);
  browser = await startChromium();
  app = `http://pdf.localhost:${demo.ports['gateway-port']}`;
});

afterAll(async () => {
  await browser?.close();
  demo?.child.kill('SIGINT');
  await demo?.exited;
});

describe('the sign-in demo in a real browser', () => {
  it('signs alice in, and the app page is readable (wrapped), and shows no Horizon cookie', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app}/`);
    await page.getByRole('button', { name: /Alice Admin/ }).click();
    await page.waitForURL(`${app}/`);
    await page.getByText('The gateway let you in as alice.').waitFor();
    // Apps never see Horizon's own cookies (issue 13): the session cookie is the browser's only one here.
    expect(await page.content()).not.toContain('horizon=');
    // A page script, as text: the tests compile without the DOM's types.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('sign-out ends the provider session too, and a refused user can sign out and pick someone else', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app}/`);
    await page.getByText('The gateway let you in as alice.').waitFor();
    await page.getByRole('link', { name: 'Sign out' }).click();
    // The provider's confirmation answers itself, then the app's own page sends us to sign in.
    await page.getByRole('heading', { name: 'Sign in as' }).waitFor();
    await page.getByRole('button', { name: /Eve Guest/ }).click();
    await page.getByText('You are signed in as eve, who may not use this app.').waitFor();
    // The 403 page's way out: sign out (of the provider too) and pick someone else.
    await page.getByRole('button', { name: 'Sign out, to sign in as someone else' }).click();
    await page.getByRole('heading', { name: 'Sign in as' }).waitFor();
    await page.getByRole('button', { name: /^Bob/ }).click();
    await page.getByText('The gateway let you in as bob.').waitFor();
    await page.close();
  });

  it('the second host: bob makes an app password on its page (shown once), finds it listed, and revokes it', async () => {
    const files = `http://files.localhost:${demo.ports['gateway-port']}`;
    const page = await browser.context.newPage();
    page.setDefaultTimeout(8_000); // a step that fails names itself within the test's time
    await page.goto(`${files}/oauth2/app-passwords`);
    // bob signed in at the provider a moment ago (above): this host signs him in without asking.
    await page.getByRole('heading', { name: 'App passwords' }).waitFor();
    await page.getByText('Signed in as bob.').waitFor();
    await page.getByText('You have no app passwords.').waitFor();
    await page.getByLabel('Name (what will use it)').fill('phone <nzb360>');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('will work on every app on files.localhost, until you revoke it').waitFor();
    await page.getByRole('button', { name: 'Make the app password' }).click();
    await page.getByRole('heading', { name: 'App password made' }).waitFor();
    const password = (await page.locator('pre').first().textContent()) ?? '';
    expect(password).toMatch(/^hzp_[a-z2-7]{13}_[a-z2-7]{32}$/);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole('link', { name: 'Back to app passwords' }).click();
    await page.getByRole('cell', { name: 'phone <nzb360>' }).waitFor(); // the name, escaped and shown as typed
    expect(await page.content()).not.toContain(password); // shown once, never again
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('You have no app passwords.').waitFor();
    await page.close();
  });

  it('loaded nothing from outside the machine (no fonts, no scripts, no beacons)', () => {
    expect(browser.requested.length).toBeGreaterThan(5);
    expect(browser.requested.filter((u) => !isLoopbackUrl(u))).toEqual([]);
  });
});
