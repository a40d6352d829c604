import { manualClock } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { dnsError } from '../../src/errors.ts';
import { dotLog, healthLog } from '../../src/upstream/logs.ts';
import type { Upstream } from '../../src/upstream/pool.ts';
import { captureLogger } from '../basics.ts';

describe('DNS over TLS in the log (dotLog)', () => {
  const setup = () => {
    const { lines, logger } = captureLogger();
    const time = manualClock();
    const counted: string[] = [];
    const events = dotLog(logger, time, {
      onOpen: (label) => counted.push(`open ${label}`),
      onHandshake: (label, result) => counted.push(`handshake ${label} ${result}`),
      onClose: (label, reason, unanswered) => counted.push(`close ${label} ${reason} ${unanswered}`),
      onUnmatched: () => counted.push('unmatched'),
    });
    return { lines, time, counted, events };
  };
  const A = 'tls://127.0.0.1:853';
  const B = 'tls://127.0.0.2:853';

  it('says each kind of trouble once per upstream and cause per 2 s, and counts every event', () => {
    const { lines, time, counted, events } = setup();
    const tls = dnsError('E_UPSTREAM_TLS', 'Hostname/IP does not match certificate');
    for (let i = 0; i < 5; i += 1) events.onHandshake(A, 'failed', tls);
    events.onHandshake(B, 'failed', tls); // another upstream: its own line
    events.onClose(A, 'stalled', 3);
    events.onClose(A, 'garbage', 1);
    events.onClose(A, 'peer', 2);
    time.advance(1_999);
    events.onHandshake(A, 'failed', tls);
    time.advance(1);
    events.onHandshake(A, 'failed', tls); // 2 s on: said again
    expect(lines.map((l) => [l.msg, l.upstream, l.code ?? l.unanswered])).toEqual([
      ['DNS-over-TLS connection failed', A, 'E_UPSTREAM_TLS'],
      ['DNS-over-TLS connection failed', B, 'E_UPSTREAM_TLS'],
      ['the DNS-over-TLS upstream answered nothing on the connection within the timeout: closed it', A, 3],
      ['the DNS-over-TLS upstream sent something that is not a DNS response: closed the connection', A, 1],
      ['the DNS-over-TLS upstream closed the connection with queries unanswered', A, 2],
      ['DNS-over-TLS connection failed', A, 'E_UPSTREAM_TLS'],
    ]);
    expect(counted.filter((c) => c.startsWith('handshake'))).toHaveLength(8);
  });

  it('says nothing of a clean close: idle, shutdown, or the upstream closing a connection that owed nothing', () => {
    const { lines, counted, events } = setup();
    events.onOpen(A);
    events.onHandshake(A, 'new');
    events.onClose(A, 'idle', 0);
    events.onClose(A, 'peer', 0);
    events.onClose(A, 'shutdown', 0);
    events.onUnmatched();
    expect(lines).toEqual([]);
    expect(counted).toEqual([
      `open ${A}`,
      `handshake ${A} new`,
      `close ${A} idle 0`,
      `close ${A} peer 0`,
      `close ${A} shutdown 0`,
      'unmatched',
    ]);
  });
});

describe('upstream health in the log (healthLog)', () => {
  it('says down and up at most once each per probe interval, per pool and upstream', () => {
    const { lines, logger } = captureLogger();
    const time = manualClock();
    const say = healthLog(logger, time);
    const u = { label: '127.0.0.1:53', consecutiveFailures: 3 } as Upstream;
    for (let i = 0; i < 10; i += 1) {
      say(u, 'down', 'forward.rules[0]'); // a lone upstream flipping with every answer
      say(u, 'up', 'forward.rules[0]');
    }
    say(u, 'down', 'forward'); // another pool: its own line
    time.advance(2_000);
    say(u, 'down', 'forward.rules[0]');
    expect(lines.map((l) => [l.pool, l.level])).toEqual([
      ['forward.rules[0]', 'warn'],
      ['forward.rules[0]', 'info'],
      ['forward', 'warn'],
      ['forward.rules[0]', 'warn'],
    ]);
  });
});
