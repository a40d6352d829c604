import { randomInt } from 'node:crypto';
import { checkServerIdentity, connect, type SecureContext } from 'node:tls';
import { after, type Clock } from '@horizon/shared';
import { type DnsError, dnsError } from '../errors.ts';
import { createFrameReader, framed } from '../wire/frames.ts';
import { answers } from '../wire/message.ts';
import type { Attempt } from './attempt.ts';

/** A query on its way over DNS over TLS: its attempt (where it settles), and where it is. */
export interface DotQuery {
  readonly attempt: Attempt;
  /** The query as the pool gave it; each connection sends a copy with an ID of its own. */
  readonly query: Buffer;
  /** Its deadline, from its start (attempt.ts). */
  readonly timeoutMs: number;
  /** The connection it is in flight on; undefined while it waits for one. */
  on: DotConnection | undefined;
  /** Its ID and bytes on that connection, when they were written, and how many messages the connection had received by then. */
  id: number;
  sent: Buffer;
  sentAt: number;
  receivedBefore: number;
  /** Already lost once with a connection that closed: the next loss fails it. */
  retried: boolean;
}

/** Why a connection closed (horizon_dns_forward_tls_closed_total's `reason`). */
export type CloseReason = 'idle' | 'stalled' | 'garbage' | 'peer' | 'error' | 'handshake' | 'shutdown';

/** One TLS connection to a DoT upstream, carrying many queries at once (RFC 7766 §6.2.1.1). */
export interface DotConnection {
  /** Queries in flight on it. */
  readonly load: number;
  /** Its handshake is done. */
  readonly secure: boolean;
  send(q: DotQuery): void;
  /** `q` settled (answered, ended, or `timedOut`: its deadline passed): it is no longer in flight here. */
  forget(q: DotQuery, timedOut: boolean): void;
  close(reason: CloseReason, error: DnsError): void;
}

export interface DotConnectionOptions {
  host: string;
  port: number;
  /** The name the certificate must carry (sent as SNI); undefined: the IP address must be in it. */
  name: string | undefined;
  context: SecureContext;
  /** A session ticket of an earlier connection, to resume instead of a full handshake (RFC 8446 §2.2). */
  session: Buffer | undefined;
  /** The handshake's deadline; also how long queries in flight may go without any answer (stalled). */
  timeoutMs: number;
  idleTimeoutMs: number;
  clock: Clock;
  /** The upstream, for messages. */
  what: string;
  onSecure(resumed: boolean): void;
  onSession(session: Buffer): void;
  /** A reply with no query of that ID in flight (one that came after its query's deadline). */
  onUnmatched(): void;
  /** It closed (once): the queries it held unanswered, whether its handshake had finished, and why. */
  onClosed(orphans: DotQuery[], how: { secure: boolean; reason: CloseReason; error: DnsError }): void;
}

/**
 * Opens a connection. Replies are matched to queries by ID (answers may come in any order) and
 * checked against the question; whatever ends the connection (a close, a reset, an error, a
 * handshake that fails or never ends, something that is not a DNS response, no answer to anything
 * within `timeoutMs`, `idleTimeoutMs` with nothing in flight) hands its unanswered queries back
 * through `onClosed`, exactly once. It holds at most one 64 KiB message being assembled.
 */
export function openDotConnection(o: DotConnectionOptions): DotConnection {
  const inFlight = new Map<number, DotQuery>();
  const frames = createFrameReader();
  let secure = false;
  let closed = false;
  let corked = false;
  /** DNS messages received: the stall rule's count. */
  let received = 0;
  let idleSince = o.clock.now();
  let cancelIdle: (() => void) | undefined;

  const socket = connect({
    host: o.host,
    port: o.port,
    servername: o.name, // RFC 6066 §3: SNI carries host names only, never an address
    secureContext: o.context,
    session: o.session,
    checkServerIdentity: (_, cert) => checkServerIdentity(o.name ?? o.host, cert),
  });
  socket.setNoDelay(true); // queries are small and waited for: no Nagle delay
  const cancelHandshake = after(o.clock, o.timeoutMs, () =>
    shut('handshake', dnsError('E_UPSTREAM_TLS', `${o.what}: no TLS handshake in ${o.timeoutMs} ms`)),
  );

  const shut = (reason: CloseReason, error: DnsError) => {
    if (closed) return;
    closed = true;
    cancelHandshake();
    cancelIdle?.();
    socket.destroy();
    const orphans = [...inFlight.values()];
    inFlight.clear();
    for (const q of orphans) q.on = undefined;
    o.onClosed(orphans, { secure, reason, error });
  };

  const receive = (m: Buffer) => {
    if (m.length < 12 || ((m[2] ?? 0) & 0x80) === 0) {
      shut('garbage', dnsError('E_UPSTREAM_MISMATCH', `${o.what} sent something that is not a DNS response`));
      return;
    }
    received += 1;
    const q = inFlight.get(m.readUInt16BE(0));
    if (!q) o.onUnmatched();
    else if (answers(m, q.sent)) q.attempt.resolve(m);
    else
      q.attempt.reject(dnsError('E_UPSTREAM_MISMATCH', `the reply from ${o.what} does not answer the query`));
  };

  const armIdle = (ms: number) => {
    cancelIdle = after(o.clock, ms, () => {
      cancelIdle = undefined;
      if (inFlight.size > 0) return; // busy again: armed anew when it next goes idle
      const left = idleSince + o.idleTimeoutMs - o.clock.now();
      if (left > 0) armIdle(left);
      else shut('idle', dnsError('E_UPSTREAM_CLOSED', `${o.what}: idle connection closed`));
    });
  };

  socket.on('secureConnect', () => {
    secure = true;
    cancelHandshake();
    o.onSecure(socket.isSessionReused());
  });
  socket.on('session', (session: Buffer) => o.onSession(session));
  socket.on('data', (chunk: Buffer) => {
    frames.push(chunk);
    for (let m = frames.next(); m !== undefined && !closed; m = frames.next()) receive(m);
  });
  const ended = () =>
    shut('peer', dnsError('E_UPSTREAM_NO_ANSWER', `${o.what} closed the connection before answering`));
  socket.on('end', ended);
  socket.on('close', ended); // after an error, the error has already closed it
  socket.on('error', (err: NodeJS.ErrnoException) => {
    // A socket error carries its system call (connect, read, write); a TLS one (certificate,
    // name, protocol) does not.
    const code = err.syscall === undefined && !secure ? 'E_UPSTREAM_TLS' : 'E_UPSTREAM_SEND';
    shut(secure ? 'error' : 'handshake', dnsError(code, `${o.what}: ${err.message}`, err));
  });

  const connection: DotConnection = {
    get load() {
      return inFlight.size;
    },
    get secure() {
      return secure;
    },
    send(q) {
      let id = randomInt(65536);
      while (inFlight.has(id)) id = (id + 1) & 0xffff;
      const sent = Buffer.from(q.query);
      sent.writeUInt16BE(id, 0);
      Object.assign(q, { on: connection, id, sent, sentAt: o.clock.now(), receivedBefore: received });
      inFlight.set(id, q);
      // Queries placed in one turn of the event loop leave in one write, mostly one TLS record.
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(() => {
          corked = false;
          socket.uncork();
        });
      }
      socket.write(framed(sent));
    },
    forget(q, timedOut) {
      if (inFlight.get(q.id) === q) inFlight.delete(q.id);
      q.on = undefined;
      if (closed) return;
      // Its deadline passed with nothing at all from the upstream since it was sent: the connection
      // is stalled (accepted, then silent; or still in its handshake), not one slow answer among
      // others. Its other queries move to another connection. A query that waited for room and
      // spent less than half its time on the wire says nothing of the connection.
      const onWire = o.clock.now() - q.sentAt >= q.timeoutMs / 2;
      if (timedOut && onWire && !secure) {
        shut('handshake', dnsError('E_UPSTREAM_TLS', `${o.what}: no TLS handshake in ${q.timeoutMs} ms`));
      } else if (timedOut && onWire && received === q.receivedBefore) {
        shut(
          'stalled',
          dnsError('E_UPSTREAM_TIMEOUT', `${o.what}: no answer on the connection in ${q.timeoutMs} ms`),
        );
      } else if (inFlight.size === 0) {
        idleSince = o.clock.now();
        if (!cancelIdle) armIdle(o.idleTimeoutMs);
      }
    },
    close: (reason, error) => shut(reason, error),
  };
  return connection;
}
