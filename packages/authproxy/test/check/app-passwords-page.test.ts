import { describe, expect, it } from 'vitest';
import type { AppPassword, AppPasswordRecords } from '../../src/app-passwords/records.ts';
import { hashOf } from '../../src/app-passwords/token.ts';
import { createAppPasswordsPageStep } from '../../src/check/app-passwords-page.ts';
import { csrfToken } from '../../src/check/csrf.ts';
import type { Reply } from '../../src/reply/reply.ts';
import type { Invalidated } from '../../src/session/invalidation.ts';
import { createSealer } from '../../src/session/seal.ts';
import { memoryStore, NOW, policy, session } from '../fixtures.ts';
import { checkDeps, checkRequest, context, NEXT, rest } from './fixtures.ts';

/** The page step over app passwords held in memory, with what it published. */
function setup(max = 32) {
  const deps = checkDeps({}, { 'appPasswords.maxPerUser': max });
  const held = new Map<string, AppPassword>();
  const published: Invalidated[] = [];
  const ended: string[] = [];
  const records = {
    create: async (p: AppPassword, most: number) =>
      [...held.values()].filter((h) => h.sub === p.sub).length < most && !!held.set(p.id, p),
    list: async (sub: string) => [...held.values()].filter((p) => p.sub === sub),
    revoke: async (sub: string, id: string) => held.get(id)?.sub === sub && held.delete(id),
    revokeAll: async (sub: string) =>
      [...held.values()].filter((p) => p.sub === sub && held.delete(p.id)).map((p) => p.id),
  } as unknown as AppPasswordRecords;
  const store = { ...memoryStore(), revokeUser: async (sub: string) => void ended.push(sub) };
  const step = createAppPasswordsPageStep({
    ...deps,
    store,
    passwords: {
      records,
      invalidation: { publish: async (w: Invalidated) => void published.push(w) } as never,
    },
    login: () => ({ status: 302, headers: {}, body: '', reason: 'login' }),
  });
  const sealer = createSealer(deps.config.cookie.keys);
  const token = csrfToken(sealer, 'app-passwords', session());
  const files = policy('files', { hosts: ['files.localhost'], groups: ['family'], appPasswords: true });
  const on = (target: string, method = 'GET', over = {}) =>
    context({
      policy: files,
      session: session(),
      req: checkRequest({
        method,
        target,
        path: target.split('?')[0],
        hostname: 'files.localhost',
        host: 'files.localhost',
        ...over,
      }),
    });
  const run = async (c: ReturnType<typeof on>) => (await step(c, rest())) as Reply;
  return { run, on, token, held, published, ended };
}

describe('the app-passwords page', () => {
  it('is only the page: every other path goes on; without a session, the way to sign in', async () => {
    const s = setup();
    expect(await s.run(s.on('/x'))).toBe(NEXT);
    expect((await s.run({ ...s.on('/oauth2/app-passwords'), session: undefined })).reason).toBe('login');
  });

  it('lists, shows what a new one will be on GET, and makes it only on the POST with the token, once', async () => {
    const s = setup();
    const list = await s.run(s.on('/oauth2/app-passwords'));
    expect([list.status, list.body]).toEqual([403, expect.stringContaining('You have no app passwords.')]);
    expect(list.body).toContain('<option value="policy:files">every app of the policy files</option>');
    const q = 'name=my%20phone&scope=host%3Afiles.localhost&days=30';
    const confirm = await s.run(s.on(`/oauth2/app-passwords?op=new&${q}`));
    expect(confirm.body).toContain('“my phone” will work on every app on files.localhost, for 30 days.');
    expect(s.held.size).toBe(0);
    const made = await s.run(
      s.on(`/oauth2/app-passwords?op=create&${q}&token=${encodeURIComponent(s.token)}`, 'POST'),
    );
    const password = /<pre>(hzp_[a-z2-7_]+)<\/pre>/.exec(made.body)?.[1] as string;
    const [stored] = [...s.held.values()];
    expect(stored).toMatchObject({
      sub: 'u-bob',
      user: 'bob',
      name: 'my phone',
      scope: { host: 'files.localhost' },
      createdAt: NOW,
      expiresAt: NOW + 30 * 86400,
    });
    expect(stored?.hash).toBe(hashOf(password));
    expect(JSON.stringify(stored)).not.toContain(password.slice(18));
  });

  it('refuses a POST without the token, a scope the page does not offer, and one past maxPerUser', async () => {
    const s = setup(1);
    const forged = await s.run(
      s.on('/oauth2/app-passwords?op=create&name=x&scope=host%3Afiles.localhost&days=0&token=nope', 'POST'),
    );
    expect(forged.reason).toBe('app-passwords-csrf');
    const t = encodeURIComponent(s.token);
    const elsewhere = await s.run(
      s.on(`/oauth2/app-passwords?op=create&name=x&scope=host%3Apdf.localhost&days=0&token=${t}`, 'POST'),
    );
    expect(elsewhere.reason).toBe('app-passwords-invalid');
    await s.run(
      s.on(`/oauth2/app-passwords?op=create&name=x&scope=policy%3Afiles&days=0&token=${t}`, 'POST'),
    );
    const full = await s.run(
      s.on(`/oauth2/app-passwords?op=create&name=y&scope=policy%3Afiles&days=0&token=${t}`, 'POST'),
    );
    expect([full.reason, s.held.size]).toEqual(['app-passwords-full', 1]);
  });

  it("offers no scope where the policy takes none or does not let the user in; eve's page still lists hers", async () => {
    const s = setup();
    const pdf = await s.run({ ...s.on('/oauth2/app-passwords'), policy: policy('pdf') });
    expect(pdf.body).toContain('policy takes no app passwords');
    const admins = await s.run({
      ...s.on('/oauth2/app-passwords'),
      policy: policy('files', { groups: ['admins'], appPasswords: true }),
    });
    expect(admins.body).toContain('bob may not use the app here');
  });

  it("revokes one of the user's and tells every replica; signs out everywhere", async () => {
    const s = setup();
    const t = encodeURIComponent(s.token);
    await s.run(
      s.on(`/oauth2/app-passwords?op=create&name=x&scope=policy%3Afiles&days=0&token=${t}`, 'POST'),
    );
    const [id] = [...s.held.keys()];
    const back = await s.run(s.on(`/oauth2/app-passwords?op=revoke&id=${id}&token=${t}`, 'POST'));
    expect([back.status, back.headers.location]).toEqual([
      302,
      'https://files.localhost/oauth2/app-passwords',
    ]);
    expect(s.published).toEqual([{ kind: 'app-password', id }]);
    const everywhere = await s.run(s.on(`/oauth2/app-passwords?op=sign-out-everywhere&token=${t}`, 'POST'));
    expect(s.ended).toEqual(['u-bob']);
    expect(everywhere.headers['set-cookie']).toEqual([expect.stringContaining('horizon=;')]);
  });
});
