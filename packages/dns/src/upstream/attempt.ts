import { after, type Clock } from '@horizon/shared';
import { type DnsError, dnsError } from '../errors.ts';

/**
 * One exchange with one upstream, from the first packet to its end: the one place where it
 * settles. Whatever ends it (a reply, a mismatch, a clean close without an answer, a reset, a send
 * error, the deadline, the exchanger closing), the first ending wins, the deadline is cleared and
 * the socket released, exactly once. The forwarder's in-flight count rests on this: an exchange
 * that never settled held its slot forever (five of them wedged every forward at maxInFlight 5).
 */
export interface Attempt {
  readonly promise: Promise<Buffer>;
  resolve(reply: Buffer): void;
  reject(err: DnsError): void;
}

export interface AttemptOptions {
  /** `host:port (UDP)`, for messages. */
  what: string;
  /** A hard deadline from the start, not an idle timer: a trickling upstream cannot extend it. */
  timeoutMs: number;
  clock: Clock;
  /** Frees what the exchange holds (its socket); runs once, when it settles, with its error if it failed. */
  release: (error?: DnsError) => void;
  /** Every live attempt, so the exchanger can end them all on close. */
  live: Set<Attempt>;
}

export function startAttempt(o: AttemptOptions): Attempt {
  let settle!: (ok: boolean, value: Buffer | DnsError) => void;
  const promise = new Promise<Buffer>((resolve, reject) => {
    settle = (ok, value) => (ok ? resolve(value as Buffer) : reject(value));
  });
  let done = false;
  const finish = (ok: boolean, value: Buffer | DnsError) => {
    if (done) return;
    done = true;
    cancelDeadline();
    o.live.delete(attempt);
    o.release(ok ? undefined : (value as DnsError));
    settle(ok, value);
  };
  const attempt: Attempt = {
    promise,
    resolve: (reply) => finish(true, reply),
    reject: (err) => finish(false, err),
  };
  const cancelDeadline = after(o.clock, o.timeoutMs, () =>
    attempt.reject(dnsError('E_UPSTREAM_TIMEOUT', `${o.what} did not answer in ${o.timeoutMs} ms`)),
  );
  o.live.add(attempt);
  return attempt;
}
