import { describe, expect, it } from 'vitest';
import { createCookieWriter } from '../../src/login/cookies.ts';
import { flowSecrets, makeRoom, newSeed, openFlow, sealFlow } from '../../src/login/flow-cookies.ts';
import { createSealer } from '../../src/session/seal.ts';
import { authConfig } from '../auth-config.ts';
import { NOW } from '../fixtures.ts';

describe('flow cookies', () => {
  const config = authConfig();
  const sealer = createSealer(config.cookie.keys);
  const writer = createCookieWriter(config.cookie, config.flow.ttlSeconds);

  it('derive state, nonce and verifier from one seed, none revealing another', () => {
    const seed = newSeed();
    const secrets = flowSecrets(seed);
    expect(flowSecrets(seed)).toEqual(secrets);
    expect(new Set([secrets.state, secrets.nonce, secrets.verifier, seed]).size).toBe(4);
    expect(secrets.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/); // RFC 7636 4.1: 43 characters of 32 octets
    expect(flowSecrets(newSeed()).state).not.toBe(secrets.state);
  });

  it('open only on the host they were sealed for, and only as flows', () => {
    const flow = { seed: newSeed(), returnTo: '/doc?x=1', createdAt: NOW };
    const sealed = sealFlow(sealer, 'pdf.localhost', flow);
    expect(openFlow(sealer, 'pdf.localhost', sealed)).toEqual(flow);
    expect(openFlow(sealer, 'other.localhost', sealed)).toBeUndefined();
    expect(openFlow(sealer, 'pdf.localhost', sealer.seal('flow\npdf.localhost', { s: 1 }))).toBeUndefined();
    expect(openFlow(sealer, 'pdf.localhost', 'garbage')).toBeUndefined();
    expect(sealed.length).toBeLessThan(250);
  });

  describe('making room for a new one', () => {
    const flows = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => {
          const { state } = flowSecrets(newSeed());
          const value = sealFlow(sealer, 'pdf.localhost', {
            seed: newSeed(),
            returnTo: '/',
            createdAt: NOW + i,
          });
          return [writer.flowName(state), value];
        }),
      );
    const open = (value: string) => openFlow(sealer, 'pdf.localhost', value);
    const room = (cookies: Record<string, string>, maxParallel = 3, maxBytes = 4096) =>
      makeRoom(cookies, writer, open, 240, { maxParallel, maxBytes });

    it('drops the oldest flows past maxParallel', () => {
      const cookies = flows(3);
      const oldest = Object.keys(cookies)[0] as string;
      expect(room(cookies)).toEqual([writer.clearFlow(oldest)]);
      expect(room(flows(2))).toEqual([]);
    });

    it('drops the oldest flows past the bytes they share', () => {
      const cookies = flows(3);
      const [[first], [second], [newest, value]] = Object.entries(cookies) as [
        [string, string],
        [string, string],
        [string, string],
      ];
      // Room for the newest one and the new one (240 bytes) only.
      const bytes = `${newest}=${value}; `.length;
      expect(room(cookies, 16, bytes + 240)).toEqual([writer.clearFlow(first), writer.clearFlow(second)]);
      expect(room(cookies, 16, bytes * 3 + 240)).toEqual([]);
    });

    it('clears a few cookies named like flows that do not open here, per answer', () => {
      const junk = Object.fromEntries(
        Array.from({ length: 700 }, (_, i) => [writer.flowName(`junk${String(i).padStart(12, '0')}`), 'x']),
      );
      const out = room(junk);
      expect(out).toHaveLength(4);
      expect(out.every((line) => line.includes('Max-Age=0'))).toBe(true);
    });
  });
});
