// The attackers of `pnpm soak:dns` as a process of their own (the soak runs it under nice, so the
// attack's own CPU does not slow the legitimate client beside it: in a home they are other
// machines). `node attack.ts HOST PORT`; on SIGTERM it stops every loop and prints what each saw as JSON.
import { flood, neverReading, runts, trickles } from './hostile.ts';
import { upstreamAbuse } from './upstream-abuse.ts';

const [host = '127.0.0.1', port = '0'] = process.argv.slice(2);
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
const t = { host, port: Number(port), signal: stop.signal };
const range = (base: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `${base}.${from + i}`);

const attacks = {
  // 4 clients x 3 connections pipelining 20,000 queries each, never reading (issue 12, 1 and 2)
  neverReading: neverReading(t, range('127.0.1', 50, 4), 3),
  // the same from addresses the ACL refuses
  neverReadingRefused: neverReading(t, range('127.0.2', 50, 2), 3),
  // runts, 1-byte messages and responses, 10 at a time (4)
  runts: runts(t, range('127.0.1', 60, 1), 10),
  // 5 clients x 10 connections sending one byte every 250 ms (4)
  trickles: trickles(t, range('127.0.1', 61, 5), 10),
  // 20 clients x 40 connections held idle, reconnecting 20 ms after each close (4)
  flood: flood(t, range('127.0.1', 100, 20), 40),
  // 200 queries/s over UDP and pipelines over TCP that make the upstream misbehave (3, 5, 9)
  upstream: upstreamAbuse(t, '127.0.1.70', 200),
};
process.stdout.write('attacking\n');
const seen = Object.fromEntries(
  await Promise.all(Object.entries(attacks).map(async ([k, p]) => [k, await p])),
);
process.stdout.write(`${JSON.stringify(seen)}\n`);
