/** A named readiness check; true means this part of the service can take traffic. */
export type ReadinessCheck = () => boolean;

/**
 * The one owner of readiness. Components register checks; shutdown marks the service draining;
 * `/readyz` reads {@link Readiness.status}. Nobody else keeps a "ready" boolean.
 */
export interface Readiness {
  add(name: string, check: ReadinessCheck): void;
  /** From now on not ready, whatever the checks say (lame duck before shutdown). */
  drain(): void;
  ready(): boolean;
  status(): { ready: boolean; draining: boolean; checks: Record<string, boolean> };
}

export function createReadiness(): Readiness {
  const checks = new Map<string, ReadinessCheck>();
  let draining = false;
  const run = (check: ReadinessCheck): boolean => {
    try {
      return check();
    } catch {
      // A check that throws is a check that fails; /readyz must never 500.
      return false;
    }
  };
  return {
    add(name, check) {
      if (checks.has(name)) throw new Error(`readiness check "${name}" registered twice`);
      checks.set(name, check);
    },
    drain() {
      draining = true;
    },
    ready() {
      if (draining) return false;
      for (const check of checks.values()) if (!run(check)) return false;
      return true;
    },
    status() {
      const results: Record<string, boolean> = {};
      for (const [name, check] of checks) results[name] = run(check);
      const ready = !draining && Object.values(results).every(Boolean);
      return { ready, draining, checks: results };
    },
  };
}
