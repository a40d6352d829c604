import { execFile } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoRun, demoUp, runDemo } from './demo/run.ts';
import { isLoopbackUrl, type RealBrowser, startChromium } from './harness/chromium.ts';
import { scratchDir } from './harness/scratch.ts';
import { waitFor } from './harness/wait.ts';

// The status pages as an owner looks at them, in Debian's Chromium, over the demo. With
// HORIZON_SCREENSHOTS=<folder> (`pnpm screenshots`) each page is also saved there as a PNG: the
// README's pictures are these pages, drawn by this test.
const SHOTS = process.env.HORIZON_SCREENSHOTS;
const exec = promisify(execFile);
let demo: DemoRun;
let browser: RealBrowser;
let folder: string;
let dnsOps: string;

beforeAll(async () => {
  folder = scratchDir('status-manifests');
  cpSync(join(import.meta.dirname, '..', 'deploy', 'examples'), folder, { recursive: true });
  demo = await runDemo({ args: ['--manifests', folder] });
  await demoUp(demo);
  browser = await startChromium();
  dnsOps = `http://127.0.0.1:${demo.ports['ops-port']}`;
});

afterAll(async () => {
  await browser?.close();
  demo?.child.kill('SIGINT');
  await demo?.exited;
});

const generation = async () =>
  ((await (await fetch(`${dnsOps}/records`)).json()) as { generation: number }).generation;

describe('the DNS status page in a real browser', () => {
  it("shows the demo's names with their addresses and routes, and a route added since", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${dnsOps}/`);
    await page.getByRole('heading', { name: 'Horizon DNS' }).waitFor();
    await page.getByRole('cell', { name: 'unifi.home.example.com', exact: true }).waitFor();
    expect(await page.getByRole('cell', { name: 'network/unifi' }).count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);

    const before = await generation();
    writeFileSync(
      join(folder, 'grafana.yaml'),
      `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: grafana, namespace: observability }
spec:
  parentRefs: [{ name: internal, namespace: network }]
  hostnames: ["grafana.\${SECRET_DOMAIN}"]
`,
    );
    const written = performance.now();
    await waitFor('the index to take the new route', async () => (await generation()) > before);
    await page.reload();
    await page.getByRole('cell', { name: 'grafana.home.example.com', exact: true }).waitFor();
    // Said, not asserted: a timing on a shared machine is a benchmark's job.
    console.info(
      `a route written to the folder showed on the page after ${Math.round(performance.now() - written)} ms`,
    );
    // A name nobody serves: the page lists the NXDOMAIN with why.
    const dig = await exec('dig', [
      '@127.0.0.1',
      '-p',
      String(demo.ports['dns-port']),
      '+tries=1',
      'wiki.home.example.com',
    ]);
    expect(dig.stdout).toContain('NXDOMAIN');
    await page.reload();
    await page.getByRole('cell', { name: 'wiki.home.example.com', exact: true }).waitFor();
    await page.getByRole('cell', { name: /nothing in the cluster or the config names it/ }).waitFor();
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'status-dns.png'), fullPage: true });
    await page.close();
  });

  it('narrows the names with the filter box, and keeps what was typed', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${dnsOps}/`);
    await page.getByRole('searchbox', { name: 'filter' }).fill('truenas');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/q=truenas/);
    await page.getByRole('cell', { name: 'truenas.home.example.com', exact: true }).waitFor();
    expect(await page.getByRole('cell', { name: 'unifi.home.example.com', exact: true }).count()).toBe(0);
    expect(await page.getByRole('searchbox', { name: 'filter' }).inputValue()).toBe('truenas');
    await page.close();
  });
});

describe('the auth status page in a real browser', () => {
  it("shows the demo's policy, and a refusal the moment after it happens", async () => {
    const authOps = `http://127.0.0.1:${demo.ports['auth-ops-port']}`;
    const page = await browser.context.newPage();
    await page.goto(`${authOps}/`);
    await page.getByRole('heading', { name: 'Horizon auth' }).waitFor();
    await page.getByRole('cell', { name: 'pdf.localhost', exact: true }).waitFor();
    expect(await page.getByText('none since start').count()).toBe(1);

    // eve signs in at the app, and the policy refuses her.
    const app = await browser.context.newPage();
    await app.goto(`http://pdf.localhost:${demo.ports['gateway-port']}/`);
    await app.getByRole('button', { name: /Eve Guest/ }).click();
    await app.getByText('You are signed in as eve, who may not use this app.').waitFor();
    await app.close();

    await page.reload();
    const refusals = page.locator('table').last();
    await refusals.getByRole('cell', { name: 'forbidden', exact: true }).waitFor();
    expect(await refusals.getByRole('cell', { name: /^pdf\.localhost/ }).count()).toBeGreaterThan(0);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'status-auth.png'), fullPage: true });
    await page.close();
  });
});

describe('what the pages load', () => {
  it('nothing from outside the machine', () => {
    expect(browser.requested.length).toBeGreaterThan(2);
    expect(browser.requested.filter((u) => !isLoopbackUrl(u))).toEqual([]);
  });
});
