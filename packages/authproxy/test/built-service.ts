import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  imageEntrypoint,
  removeScratch,
  scratchDir,
  tcpOpen,
  waitFor,
} from '@horizon/test/harness';
import type { StartService } from './fronts.ts';

const PACKAGE = join(import.meta.dirname, '..');

/**
 * The auth service as its image runs it, for the fronts: the compiled build (`dist/`, which
 * `./pnpmw test` builds before the tests) started with the Dockerfile's ENTRYPOINT arguments (the
 * image's V8 flags, `--conditions=production`) and a config file, on free loopback ports. What
 * an in-process service is handed (a clock, a fetch) cannot reach a process: its tests use none.
 */
export const startBuilt: StartService = async (_config, _deps, loaded) => {
  const [port, ops] = [await freePort(), await freePort()];
  const dir = scratchDir('built-authproxy');
  const file = join(dir, 'authproxy.json');
  const config = {
    ...loaded,
    listen: { ...loaded.listen, host: '127.0.0.1', port },
    ops: { ...loaded.ops, host: '127.0.0.1', port: ops },
    log: { ...loaded.log, level: 'warn', format: 'json' },
    shutdown: { ...loaded.shutdown, lameDuckSeconds: 0 },
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 }); // holds the cookie key
  const child = spawn(process.execPath, [...imageEntrypoint('authproxy'), '--config', file], {
    cwd: PACKAGE, // the ENTRYPOINT's dist/main.js is relative to the image's /app
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitFor(
    'the built auth service to listen',
    async () => {
      if (child.exitCode !== null) throw new Error(`the built auth service exited (${child.exitCode})`);
      return (await tcpOpen('127.0.0.1', port)) || undefined;
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      removeScratch(dir);
    },
  };
};
