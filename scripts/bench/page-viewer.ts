// Someone with a status page open, refreshing it far more often than its own 30 s: fetches `url`
// every `intervalMs` until SIGTERM, then prints how many views it made and their mean time.
// Loopback only (the bench passes Horizon's ops port); one fetch at a time, so it is bounded.
import { setTimeout as sleep } from 'node:timers/promises';

const url = process.argv[2] ?? '';
const intervalMs = Number(process.argv[3] ?? 1000);
if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`page-viewer: ${url} is not a loopback URL`);
let views = 0;
let ms = 0;
let bytes = 0;
let stopped = false;
process.on('SIGTERM', () => {
  stopped = true;
});
while (!stopped) {
  const started = performance.now();
  const body = await (await fetch(url)).text();
  ms += performance.now() - started;
  bytes = body.length;
  views += 1;
  await sleep(intervalMs);
}
process.stdout.write(
  `${views} views, ${(ms / Math.max(1, views)).toFixed(1)} ms each, ${Math.round(bytes / 1024)} KiB\n`,
);
