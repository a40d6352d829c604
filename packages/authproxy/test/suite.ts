import type { RawResponse } from '@horizon/test/harness';
import { afterAll, beforeAll, expect } from 'vitest';
import type { AppDeps } from '../src/app.ts';
import { type Front, type FrontName, type Fronts, type StartService, startFronts } from './fronts.ts';
import { type Case, one, violations } from './invariants.ts';

/** A test file's fronts and its cases, every request numbered so what the apps got can be judged. */
export interface Suite {
  fronts(): Fronts;
  front(name: FrontName): Front;
  /** Sends a case through a front as its user (a session signed in on the host), `x-case` set. */
  send(front: Front, c: Case): Promise<RawResponse>;
  /** The number of the last case sent. */
  last(): number;
  /** Whether an app behind the front received case `id`. */
  reached(front: Front, id: number): boolean;
  /** What the front's apps received that breaks the rules (invariants.ts). */
  violations(front: Front): string[];
}

/**
 * Starts the fronts before a test file's tests and stops them after; `setup` runs first and
 * gives the service's config overrides and deps (a Redis it started, a clock).
 */
export function useFronts(
  setup: () => Promise<{
    overrides?: Record<string, unknown>;
    deps?: Partial<AppDeps>;
    /** The service as something else runs it (the production build as a process). */
    startService?: StartService;
  }> = async () => ({}),
): Suite {
  let fronts: Fronts | undefined;
  let n = 0;
  const cases = new Map<string, Case>();
  beforeAll(async () => {
    const { overrides, deps, startService } = await setup();
    fronts = await startFronts(overrides, deps, startService);
  }, 60_000);
  afterAll(() => fronts?.close());
  const started = () => fronts as Fronts;
  return {
    fronts: started,
    front: (name) => started().fronts.find((f) => f.name === name) as Front,
    last: () => n,
    reached: (front, id) => front.received().some((r) => one(r.headers['x-case']) === String(id)),
    violations: (front) => violations(front.received(), cases),
    async send(front, c) {
      n += 1;
      const id = String(n);
      cases.set(id, c);
      const headers: [string, string][] = [
        ['Host', c.host.includes(':') ? c.host : `${c.host}:${front.port}`],
        ['x-case', id],
        ['Accept', 'application/json'],
      ];
      const sessionHost = c.sessionHost ?? (c.host.split(':')[0] as string);
      if (c.user) headers.push(['Cookie', `horizon=${await started().session(c.user, sessionHost)}`]);
      const res = await front.send({
        method: c.method,
        target: c.target.replaceAll('$PORT', String(front.port)),
        headers: [...headers, ...(c.headers ?? [])],
        ...(c.from ? { from: c.from } : {}),
      });
      expect(res.status, `${front.name} ${c.target}`).toBeLessThan(500);
      return res;
    },
  };
}
