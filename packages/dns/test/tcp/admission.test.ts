import { describe, expect, it } from 'vitest';
import { clientKey, createAdmission } from '../../src/tcp/admission.ts';
import type { CloseReason, TcpConnection } from '../../src/tcp/connection.ts';

/** A connection that owes nothing since `idle` (undefined: busy), and records how it was closed. */
function connection(client: string, idle: number | undefined) {
  const closed: CloseReason[] = [];
  const conn: TcpConnection = {
    client,
    check: () => undefined,
    paused: () => false,
    idleSince: () => idle,
    close: (reason) => closed.push(reason),
  };
  return Object.assign(conn, { closed });
}

describe('admission', () => {
  it('makes room for a client at its limit by closing its longest-idle connection, else refuses', () => {
    const admission = createAdmission({ maxConnections: 10, maxPerClient: 2 });
    const older = connection('a', 100);
    const newer = connection('a', 200);
    admission.add(older);
    admission.add(newer);
    expect(admission.makeRoom('b')).toBeUndefined(); // another client: room enough
    expect(admission.makeRoom('a')).toBeUndefined();
    expect(older.closed).toEqual(['evicted']);
    expect([...admission.all()]).toEqual([newer]);
    const busy = createAdmission({ maxConnections: 10, maxPerClient: 1 });
    busy.add(connection('a', undefined));
    expect(busy.makeRoom('a')).toBe('client_limit');
  });

  it('at the total limit, closes the longest-idle connection of anyone, else refuses', () => {
    const admission = createAdmission({ maxConnections: 2, maxPerClient: 2 });
    const idle = connection('a', 50);
    const busy = connection('b', undefined);
    admission.add(idle);
    admission.add(busy);
    expect(admission.makeRoom('c')).toBeUndefined();
    expect([idle.closed, busy.closed]).toEqual([['evicted'], []]);
    admission.add(connection('c', undefined));
    expect(admission.makeRoom('d')).toBe('connection_limit');
    expect(admission.size()).toBe(2);
  });

  it('forgets a connection once, whoever removes it first', () => {
    const admission = createAdmission({ maxConnections: 2, maxPerClient: 2 });
    const conn = connection('a', 1);
    admission.add(conn);
    admission.remove(conn);
    admission.remove(conn);
    expect(admission.size()).toBe(0);
  });
});

describe('clientKey: whom a connection counts against', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'], // an IPv4 peer on a dual-stack socket
    ['2001:db8:1:2:aaaa::1', '20010db800010002/64'],
    ['2001:db8:1:2:bbbb::2', '20010db800010002/64'], // the same /64: the same host, as far as we can tell
    ['fe80::1%eth0', 'fe80000000000000/64'],
  ])('%s -> %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});
