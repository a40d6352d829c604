import type { KubeObject } from '../gateway-api/types.ts';

/** True for anything shaped like a Kubernetes object with a name. */
export function isKubeObject(value: unknown): value is KubeObject {
  const meta = (value as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof meta?.name === 'string' && meta.name !== '';
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
