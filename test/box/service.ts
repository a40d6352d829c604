import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageDeployArgs, imageEntrypoint } from '../harness/image.ts';
import { removeScratch, scratchDir } from '../harness/scratch.ts';
import { waitFor } from '../harness/wait.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * A service as its image runs it: `pnpm deploy --prod` of the package (the Dockerfile's last
 * build step: compiled dist/ and production dependencies only), then the image's entrypoint
 * (read from its Dockerfile: `node --conditions=production [V8 flags] dist/main.js`, `--config FILE`). Needs `pnpm build`
 * first, which the README's test command runs.
 */
export interface Service {
  readonly output: string;
  /** Starts it again with the same config (a pod restarted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const deployed = new Map<string, string>();

function deploy(pkg: 'dns' | 'authproxy'): string {
  const existing = deployed.get(pkg);
  if (existing) return existing;
  const dir = join(scratchDir(`image-${pkg}`), 'app');
  // Offline: the image's deploy step resolves nothing, it copies from the store the install filled.
  const out = spawnSync(join(ROOT, 'pnpmw'), ['--offline', ...imageDeployArgs(pkg, dir)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`pnpm deploy @horizon/${pkg} failed: ${out.stdout}${out.stderr}`);
  deployed.set(pkg, dir);
  return dir;
}

export function removeDeployments(): void {
  for (const dir of deployed.values()) removeScratch(join(dir, '..'));
  deployed.clear();
}

export async function startService(
  pkg: 'dns' | 'authproxy',
  config: object,
  opsPort: number,
  env: Record<string, string> = {},
): Promise<Service> {
  const app = deploy(pkg);
  const configFile = join(scratchDir(`${pkg}-config`), 'config.yaml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    const c = spawn(process.execPath, [...imageEntrypoint(pkg), '--config', configFile], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.stdout?.on('data', (d) => (output += d));
    c.stderr?.on('data', (d) => (output += d));
    child = c;
    await waitFor(
      `${pkg} ready (${output})`,
      async () => {
        if (c.exitCode !== null) throw new Error(`${pkg} exited: ${output}`);
        const res = await fetch(`http://127.0.0.1:${opsPort}/readyz`).catch(() => undefined);
        return res?.status === 200 || undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGTERM');
    await new Promise((r) => c.once('exit', r));
  };
  await start();
  return {
    get output() {
      return output;
    },
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}
