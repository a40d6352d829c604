import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLogger } from '@horizon/shared';
import { createKubeSource } from '@horizon/shared/kube';
import { afterAll, expect, it } from 'vitest';
import { httpRoute, kubeSourceConfig, startFakeApiServer, waitFor } from './harness/index.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const api = await startFakeApiServer();
afterAll(() => api.close());

it('holds 1,000 objects through 10,000 events without growing beyond the objects themselves', async () => {
  for (let i = 0; i < 1000; i += 1)
    api.apply('httproutes', httpRoute('home', `app${i}`, [`app${i}.home.example.com`]));
  const source = createKubeSource({
    config: kubeSourceConfig(api, { debounceMs: 50 }),
    logger: createLogger({ level: 'silent', format: 'json' }, { service: 'test' }),
    tuning: { pageSize: 300 },
  });
  let notifications = 0;
  source.onChange(() => {
    notifications += 1;
  });
  try {
    await source.start();
    expect(source.snapshot().httpRoutes).toHaveLength(1000);
    // 1,000 objects at 300 a page: four pages, chained by continue tokens.
    expect(api.requests.filter((r) => !r.watch && r.path.endsWith('/httproutes'))).toHaveLength(4);
    api.compact();
    const baseline = heapAfterGc();

    for (let round = 0; round < 10; round += 1) {
      for (let i = 0; i < 1000; i += 1) {
        api.apply('httproutes', httpRoute('home', `app${i}`, [`app${i}-r${round}.home.example.com`]));
      }
      const last = `app999-r${round}.home.example.com`;
      await waitFor(
        `round ${round}`,
        () => source.snapshot().httpRoutes.some((r) => r.spec.hostnames?.[0] === last),
        { timeoutMs: 10_000 },
      );
      api.compact(); // the fake server's history is not the watcher's memory
    }
    const routes = source.snapshot().httpRoutes;
    expect(routes).toHaveLength(1000);
    expect(routes.every((r) => r.spec.hostnames?.[0]?.endsWith('-r9.home.example.com'))).toBe(true);
    expect(notifications).toBeLessThan(200); // 10,000 events, debounced into a few rebuilds

    const growth = heapAfterGc() - baseline;
    // Each object is replaced, never accumulated: growth stays far below another 1,000 objects.
    console.log(`heap growth after 10,000 events: ${(growth / 1024 / 1024).toFixed(2)} MiB`);
    expect(growth).toBeLessThan(3 * 1024 * 1024);
  } finally {
    await source.stop();
  }
}, 60_000);
