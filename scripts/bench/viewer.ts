import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/** Someone with a status page open during a benchmark (page-viewer.ts, on core 1 with the load). */
export interface PageViewer {
  readonly child: ChildProcess;
  /** Stops the viewer; the report's line about it. */
  stop(): Promise<string>;
}

/** Fetches `url` every `everySeconds` until stopped; none when `everySeconds` is 0. */
export function startPageViewer(url: string, everySeconds: number): PageViewer | undefined {
  if (!(everySeconds > 0)) return undefined;
  const script = join(import.meta.dirname, 'page-viewer.ts');
  const child = spawn('taskset', ['-c', '1', process.execPath, script, url, String(everySeconds * 1000)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let viewed = '';
  child.stdout?.on('data', (d) => (viewed += d));
  return {
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      return `The status page (\`/\` of the ops port) fetched every ${everySeconds} s throughout: ${viewed.trim()}.`;
    },
  };
}
