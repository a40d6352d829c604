import { snapshotOf } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createZoneAnswers, type ZoneAnswerOptions } from '../../src/index/answer.ts';
import { buildIndex } from '../../src/index/build.ts';
import type { IndexData } from '../../src/index/types.ts';
import { TYPE } from '../../src/wire/constants.ts';
import type { Answer } from '../../src/wire/response.ts';
import { gw, https, route } from './fixtures.ts';

const snapshot = snapshotOf(3, {
  gateways: [gw('internal', [https()], ['10.90.3.202']), gw('external', [https()], ['10.90.3.201'])],
  httpRoutes: [route('id', ['id.home.example.com'])],
});
const index = buildIndex(snapshot, {
  zones: [{ name: 'home.example.com', nameserver: 'ns.home.example.com', nameserverAddresses: [] }],
  reverseZones: ['3.90.10.in-addr.arpa'],
  gateways: [{ ref: 'network/internal', addresses: [] }],
  views: [
    {
      name: 'tailnet',
      addresses: { 'network/internal': ['100.100.3.202'], 'network/external': ['100.100.3.201'] },
    },
  ],
  ttl: 30,
  negativeTtl: 30,
  ignoreStatus: false,
  fromManifests: false,
  statics: [],
  missGateway: 'network/external',
});
const answersOf = (o: Partial<ZoneAnswerOptions> & { current?: IndexData }) =>
  createZoneAnswers({
    zones: ['home.example.com', '3.90.10.in-addr.arpa'],
    index: { current: () => o.current },
    views: [{ matches: (address) => address.startsWith('127.0.100.') }],
    zoneMiss: 'nxdomain',
    ...o,
  });
/** The address in a one-record A answer. */
const addressIn = (a: unknown) => [...(a as Answer).body.subarray(-4)].join('.');

describe('zone answers', () => {
  it('before the index syncs: SERVFAIL for our names (never a false NXDOMAIN), the rest is not ours', () => {
    const zones = answersOf({});
    expect(zones.answer('id.home.example.com', TYPE.A, '127.0.0.1')).toBe('unsynced');
    expect(zones.answer('202.3.90.10.in-addr.arpa', TYPE.PTR, '127.0.0.1')).toBe('unsynced');
    expect(zones.answer('example.org', TYPE.A, '127.0.0.1')).toBe('outside');
  });

  it('gives each client its view: the first whose ranges match, else the default', () => {
    const zones = answersOf({ current: index });
    expect(addressIn(zones.answer('id.home.example.com', TYPE.A, '127.0.1.7'))).toBe('10.90.3.202');
    expect(addressIn(zones.answer('id.home.example.com', TYPE.A, '127.0.100.7'))).toBe('100.100.3.202');
  });

  it('answers a zone miss as the policy says: NXDOMAIN, the miss gateway per view, or forward', () => {
    const nx = answersOf({ current: index }).answer('gone.home.example.com', TYPE.A, '127.0.0.1');
    expect((nx as Answer).rcode).toBe(3);
    const gateway = answersOf({ current: index, zoneMiss: 'gateway' });
    expect(addressIn(gateway.answer('gone.home.example.com', TYPE.A, '127.0.1.7'))).toBe('10.90.3.201');
    expect(addressIn(gateway.answer('gone.home.example.com', TYPE.A, '127.0.100.7'))).toBe('100.100.3.201');
    expect((gateway.answer('gone.home.example.com', TYPE.TXT, '127.0.1.7') as Answer).ancount).toBe(0); // NODATA
    expect(
      answersOf({ current: index, zoneMiss: 'forward' }).answer('gone.home.example.com', TYPE.A, '::1'),
    ).toBe('forward');
  });

  it('in mode gateway, a miss in a reverse zone is NXDOMAIN: never the gateway address for a reverse name, nor NODATA for every PTR', () => {
    const gateway = answersOf({ current: index, zoneMiss: 'gateway' });
    expect((gateway.answer('9.3.90.10.in-addr.arpa', TYPE.PTR, '127.0.1.7') as Answer).rcode).toBe(3);
    expect((gateway.answer('9.3.90.10.in-addr.arpa', TYPE.A, '127.0.1.7') as Answer).rcode).toBe(3);
    expect((gateway.answer('202.3.90.10.in-addr.arpa', TYPE.PTR, '127.0.1.7') as Answer).ancount).toBe(1);
  });

  it('knows which names are ours, zones and reverse zones, without the index', () => {
    const zones = answersOf({});
    expect(
      [
        'home.example.com',
        'a.b.home.example.com',
        '1.3.90.10.in-addr.arpa',
        'example.org',
        'xhome.example.com',
      ].map(zones.ours),
    ).toEqual([true, true, true, false, false]);
  });
});
