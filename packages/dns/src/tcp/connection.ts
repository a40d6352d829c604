import type { Socket } from 'node:net';
import type { Clock } from '@horizon/shared';
import type { Respond } from '../respond.ts';
import { createFrameReader, framed } from '../wire/frames.ts';
import type { UnsentBudget } from './budget.ts';

/**
 * Messages of one connection answered per turn of the event loop, at most: past it the connection
 * waits for the next turn, so one client's 64 KiB read of 1,600 pipelined queries cannot hold up
 * UDP and every other connection for tens of milliseconds (the fairness Go's scheduler gives CoreDNS).
 */
const PER_TURN = 64;

/** Why Horizon closed a TCP connection (the label of horizon_dns_tcp_closed_total). */
export type CloseReason =
  | 'idle'
  | 'frame_timeout'
  | 'write_stall'
  | 'unsent_limit'
  | 'not_a_query'
  | 'evicted'
  | 'shutdown';

/** The per-connection limits; README "TCP limits" says what happens past each. */
export interface ConnectionLimits {
  /** Owing no answer and no whole query received or answer taken for this long: closed. */
  idleTimeoutMs: number;
  /** From the first byte of a message to its last, at most; a trickle is closed past it. */
  frameTimeoutMs: number;
  /** Queries of one connection being answered at once; past it the connection is not read. */
  pipeline: number;
}

export interface TcpConnection {
  /** Whom it counts against (admission.ts, clientKey). */
  readonly client: string;
  /** Closes it if one of its deadlines has passed at `now`. */
  check(now: number): void;
  /** True while it is not read: its pipeline is full or its client is not taking its answers. */
  paused(): boolean;
  /** Since when it has owed nothing (no query being answered, no answer unsent); undefined while it does. */
  idleSince(): number | undefined;
  close(reason: CloseReason): void;
}

export interface ConnectionOptions {
  socket: Socket;
  client: string;
  respond: Respond;
  limits: ConnectionLimits;
  clock: Clock;
  budget: UnsentBudget<TcpConnection>;
  onClosedBy: (reason: CloseReason) => void;
  onGone: (conn: TcpConnection) => void;
}

/**
 * One TCP connection as a bounded pipeline (RFC 7766 §6.2.1.1: pipelined queries are answered
 * concurrently, each as it is ready). Backpressure both ways: the socket is read only while fewer
 * than `pipeline` queries are being answered and the client takes its answers (no write is
 * waiting to drain); otherwise the kernel's buffers fill and the client's sends block. So a client
 * that never reads holds at most its pipeline's answers, never a queue that grows with what it
 * sends. Every query settles its slot exactly once (respond.ts), answered or not.
 *
 * The idle clock moves only on whole queries and answers taken, never on partial messages; a
 * message must be whole within `frameTimeoutMs` of its first byte. A message that is not a query
 * (a response, a runt) ends the connection once the answers in flight are out. A client that
 * half-closes (SHUT_WR) still gets every answer, then our FIN.
 */
export function serveConnection(o: ConnectionOptions): TcpConnection {
  const { socket, limits, clock } = o;
  const reader = createFrameReader();
  const peer = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
  const family = socket.remoteFamily === 'IPv6' ? 6 : 4;
  let inFlight = 0;
  let paused = false;
  let readEnded = false; // the client sent FIN
  let finishing = false; // nothing more will be read: end once the answers in flight are out
  let ended = false;
  let pumping = false;
  let deferred = false; // the turn's budget is spent: pump again on the next turn
  let lastProgress = clock.now();
  let frameStartedAt: number | undefined;

  const close = (reason: CloseReason) => {
    o.budget.release(conn); // now: its unsent answers are freed with the socket
    if (socket.destroyed) return;
    o.onClosedBy(reason);
    socket.destroy();
  };
  const flushed = () => {
    if (socket.destroyed) return;
    lastProgress = clock.now();
    o.budget.charge(conn, socket.writableLength);
  };
  const answered = (out: Buffer | null) => {
    inFlight -= 1;
    if (socket.destroyed) return;
    if (out === null) {
      if (!finishing) o.onClosedBy('not_a_query');
      finishing = true;
    } else {
      socket.write(framed(out), flushed);
      // Past the budget, whoever holds the most unread answers goes first, until under it.
      let over = !o.budget.charge(conn, socket.writableLength);
      for (let n = 0; over && n < 64; n += 1) {
        o.budget.largest()?.close('unsent_limit');
        over = !socket.destroyed && !o.budget.charge(conn, socket.writableLength);
      }
      if (socket.destroyed) return;
    }
    if (!pumping) pump();
  };

  const nextTurn = () => {
    deferred = false;
    pump();
  };
  /** Starts answering the whole messages the pipeline, the client's reading and this turn allow. */
  const pump = () => {
    if (deferred) return;
    pumping = true;
    let budget = PER_TURN;
    while (!finishing && inFlight < limits.pipeline && !socket.writableNeedDrain && !socket.destroyed) {
      if (budget === 0) {
        if (reader.ready()) {
          deferred = true;
          setImmediate(nextTurn);
        }
        break;
      }
      const message = reader.next();
      if (!message) break;
      budget -= 1;
      inFlight += 1;
      lastProgress = clock.now();
      o.respond(message, peer, 'tcp', family, answered);
    }
    pumping = false;
    steer();
  };

  /** Reads or stops reading, runs the frame clock only while reading, and ends when all is said. */
  const steer = () => {
    if (socket.destroyed) return;
    const more = !finishing && !readEnded;
    const read = more && !deferred && inFlight < limits.pipeline && !socket.writableNeedDrain;
    if (read && paused) socket.resume();
    if (!read && !paused) socket.pause();
    paused = !read;
    if (read && reader.incomplete()) frameStartedAt ??= clock.now();
    else frameStartedAt = undefined;
    if (!more && !ended && !deferred && inFlight === 0 && (finishing || !reader.ready())) {
      ended = true;
      socket.end(); // after the unsent answers: end() flushes first
    }
  };

  const conn: TcpConnection = {
    client: o.client,
    check(now) {
      if (socket.destroyed) return;
      if (frameStartedAt !== undefined && now - frameStartedAt > limits.frameTimeoutMs) {
        close('frame_timeout');
      } else if (now - lastProgress > limits.idleTimeoutMs) {
        if (socket.writableLength > 0) close('write_stall');
        else if (inFlight === 0) close('idle');
      }
    },
    paused: () => paused && !deferred && !finishing && !readEnded,
    idleSince: () => (inFlight === 0 && socket.writableLength === 0 ? lastProgress : undefined),
    close,
  };

  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    reader.push(chunk);
    pump();
  });
  socket.on('end', () => {
    readEnded = true;
    pump();
  });
  socket.on('drain', pump);
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    o.budget.release(conn);
    o.onGone(conn);
  });
  return conn;
}
