// Loaded into each service the demo starts (`node --import`). The demo holds the write end of the
// service's stdin: when the demo ends, however it ends (SIGKILL included), the kernel closes that
// pipe, and the service shuts down as on SIGTERM instead of living on, holding the demo's ports.
import { Worker } from 'node:worker_threads';

// The service's shutdown runs on its main thread, and so would any timer of ours: should it hang
// there (an exit that never ends, as pino's flush into a pipe nobody read once did), a watchdog
// on a thread of its own SIGKILLs the process. Well past a service's own bound in the demo (no
// lame duck, each shutdown step abandoned after 10 s); the tests shorten it.
const deadlineMs = Number(process.env.ORPHAN_GUARD_DEADLINE_MS) || 60_000;
const WATCHDOG = `const { workerData: w } = require('node:worker_threads');
setTimeout(() => process.kill(w.pid, 'SIGKILL'), w.deadlineMs);`;

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // Unreferenced: a service that exits in time is not held back by it.
  new Worker(WATCHDOG, { eval: true, workerData: { pid: process.pid, deadlineMs } }).unref();
  process.kill(process.pid, 'SIGTERM');
};
process.stdin.once('end', stop);
process.stdin.once('error', stop);
process.stdin.resume();
// Stdin alone must not keep the service alive once it has closed everything else.
process.stdin.unref();
