import { describe, expect, it } from 'vitest';
import { createCookieStore } from '../../src/session/cookie-store.ts';
import { createSealer } from '../../src/session/seal.ts';
import type { Session } from '../../src/session/types.ts';
import { authConfig } from '../auth-config.ts';
import { capture, NOW, session } from '../fixtures.ts';

describe('sessions sealed into the cookie', () => {
  const sealer = createSealer(authConfig().cookie.keys);
  const lifetimes = { idleSeconds: 3600, absoluteSeconds: 7200 };
  const open = () => {
    const log = capture();
    return { store: createCookieStore({ ...lifetimes, sealer, logger: log.logger }), lines: log.lines };
  };

  it('reads back the session it wrote, without I/O, while it lives', async () => {
    const { store } = open();
    const value = await store.create(session(), {});
    expect(store.read(value, NOW)).toEqual(session());
    expect(store.read(value, NOW - 60 + 3600)).toBeUndefined(); // idle too long
    expect(store.read('forged', NOW)).toBeUndefined();
  });

  it('renews by re-writing the cookie, which restarts the idle clock', () => {
    const { store } = open();
    const renewed = store.renew(session(), NOW + 3000) as string;
    expect(store.read(renewed, NOW + 3000 + 3599)).toMatchObject({ sid: 'sid-bob', renewedAt: NOW + 3000 });
  });

  it('ends sessions from before host binding', () => {
    const { store } = open();
    const { host: _host, ...hostless } = session();
    expect(store.read(sealer.seal('session', hostless), NOW)).toBeUndefined();
  });

  it('drops an ID token that would make the cookie too large for a browser, warning once', async () => {
    const { store, lines } = open();
    const big = session({ idToken: 'x'.repeat(4000) });
    const value = await store.create(big, {});
    expect(value.length).toBeLessThanOrEqual(3800);
    expect((store.read(value, NOW) as Session).idToken).toBeUndefined();
    await store.create(big, {});
    expect(lines.map((l) => l.msg)).toEqual([
      'ID token too large for the cookie; sign-out will use client_id',
    ]);
    const small = session({ idToken: 'eyJ.small' });
    expect((store.read(await store.create(small, {}), NOW) as Session).idToken).toBe('eyJ.small');
  });
});
