import { createMetricsRegistry, manualClock } from '@horizon/shared';
import { Browser, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/policy/policies.ts';
import type { CheckRequest } from '../../src/request/read.ts';
import { createDenialLog, RECENT_DENIALS } from '../../src/status/denials.ts';
import { whoMayPass } from '../../src/status/gather.ts';
import { authConfig } from '../auth-config.ts';
import { type Stack, startStack } from '../helpers.ts';

// The status page of a running service behind the contract gateway: what it lists comes from the
// checks Envoy sent and the service's own counters.
let stack: Stack;
const page = async () => {
  const out = await stack.auth.opsRoutes['/']?.(new URL('http://ops.invalid/'));
  return (out as { html: string }).html;
};

beforeAll(async () => {
  stack = await startStack({}, {}, { registry: createMetricsRegistry('authproxy') });
});
afterAll(() => stack.close());

describe("the auth status page, from the running service's own state", () => {
  it('lists each policy with its hosts, who may pass and where it came from', async () => {
    const out = await page();
    expect(out).toContain(
      '<td>pdf</td><td>config</td><td>pdf.localhost</td><td>/</td><td>groups family</td><td>/health, /static/*</td>',
    );
    // The provider's probe runs in the background from the start.
    await waitFor('the provider probe', async () =>
      (await page()).includes('<span class="ok">answers</span>'),
    );
    expect(out).toContain('in the cookie');
  });

  it('lists a refusal with its host, path, policy and why, and never a cookie or a token', async () => {
    const eve = new Browser();
    const refused = await eve.signInAs(
      await eve.navigate(`${stack.app}/private/<b>x</b>?token=secret`),
      'eve',
    );
    expect(refused.status).toBe(403);
    const out = await page();
    const section = out.slice(out.indexOf('Last refusals'));
    expect(section).toMatch(
      /<td>pdf\.localhost:\d+<\/td><td>\/private\/&#60;b&#62;x&#60;\/b&#62;<\/td><td>pdf<\/td><td>forbidden<\/td>/,
    );
    expect(section).not.toContain('secret');
    expect(section).not.toContain('horizon=');
  });

  it('does not list passes or sign-in redirects', async () => {
    const before = (await page()).split('<tr>').length;
    const alice = new Browser();
    const ok = await alice.signInAs(await alice.navigate(`${stack.app}/`), 'alice');
    expect(ok.status).toBe(200);
    expect((await page()).split('<tr>').length).toBe(before);
  });
});

describe('the refusals kept', () => {
  it('are the last 50, newest first, with a client-chosen host and path clipped', () => {
    const log = createDenialLog(manualClock());
    const reply = { status: 403, headers: {}, body: '', reason: 'forbidden' };
    const raw = { method: 'GET', url: '/', headers: {}, cookies: {}, peer: '127.0.1.9' };
    for (let i = 0; i < 60; i += 1) {
      const request = {
        host: `h${i}.localhost`,
        path: `/${'a'.repeat(i === 59 ? 5000 : 1)}`,
      } as CheckRequest;
      log.observe(reply, 'pdf', raw, request);
    }
    log.observe({ ...reply, status: 200, reason: 'allow' }, 'pdf', raw, undefined);
    log.observe({ ...reply, reason: 'sign-out' }, 'pdf', raw, undefined);
    const kept = log.list();
    expect(kept).toHaveLength(RECENT_DENIALS);
    expect(kept[0]?.host).toBe('h59.localhost');
    expect(kept[0]?.path).toHaveLength(201);
    expect(kept.at(-1)?.host).toBe('h10.localhost');
  });
});

describe('who may pass, in words', () => {
  it('says groups, app passwords and the networks that pass without a login', () => {
    const policies = authConfig({
      'session.store': 'redis',
      'session.redisUrl': 'redis://127.0.0.1:9', // parsed only: nothing connects
      policies: [
        {
          name: 'files',
          hosts: ['files.localhost'],
          groups: ['family'],
          appPasswords: true,
          networks: ['127.0.1.0/24'],
          loginNetworks: ['127.0.1.9/32'],
        },
        { name: 'any', hosts: ['a.localhost'] },
      ],
    }).policies.map((p) => compilePolicy(p, 'config'));
    expect(policies.map(whoMayPass)).toEqual([
      'groups family; also with an app password; anyone from 127.0.1.0/24 without a login (127.0.1.9/32 still sign in)',
      'any signed-in user',
    ]);
  });
});
