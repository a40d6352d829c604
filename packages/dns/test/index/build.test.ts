import { type GatewayApiSnapshot, type HTTPRoute, snapshotOf } from '@horizon/shared';
import type { Packet } from 'dns2';
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.ts';
import { TYPE } from '../../src/wire/constants.ts';
import { decoded, gw, https, indexConfig, route } from './fixtures.ts';

// The index built from Gateway API objects (build.ts, zone.ts, addresses.ts), as lookup.ts reads it.
const config = indexConfig();
const snapshot = (routes: HTTPRoute[], status = ['10.90.3.202', 'fd00::202']): GatewayApiSnapshot =>
  snapshotOf(7, { gateways: [gw('internal', [https('*.home.example.com')], status)], httpRoutes: routes });

const ask = decoded;

describe('the index', () => {
  const index = buildIndex(
    snapshot([
      route('pdf', ['pdf.home.example.com']),
      route('apps', ['*.apps.home.example.com']),
      route('deep', ['x.y.apps.home.example.com']),
      route('off', ['pdf.elsewhere.org']),
    ]),
    config,
  );
  it('answers A and AAAA from status.addresses, with AA, the question echoed and owner = the question', () => {
    const a = ask(index, 'PDF.Home.Example.com', TYPE.A) as Packet;
    expect(a.header.aa).toBe(1);
    expect(a.questions[0]?.name).toBe('PDF.Home.Example.com');
    expect(a.answers.map((r) => [r.name, r.type, r.ttl, (r as { address?: string }).address])).toEqual([
      ['PDF.Home.Example.com', 1, 30, '10.90.3.202'],
    ]);
    expect(
      (ask(index, 'pdf.home.example.com', TYPE.AAAA) as Packet).answers.map(
        (r) => (r as { address?: string }).address,
      ),
    ).toEqual(['fd00::202']);
  });
  it('answers other types with NODATA and the SOA (serial = generation), never a miss', () => {
    for (const type of [TYPE.HTTPS, TYPE.SVCB, TYPE.TXT, TYPE.MX, TYPE.CAA, TYPE.NS]) {
      const r = ask(index, 'pdf.home.example.com', type) as Packet;
      expect(r.header.rcode).toBe(0);
      expect(r.answers).toHaveLength(0);
      expect(r.authorities[0]).toMatchObject({
        type: TYPE.SOA,
        serial: 7,
        minimum: 30,
        name: 'home.example.com',
      });
    }
  });
  it('serves wildcards at any depth but not the bare suffix, and prefers exact names', () => {
    expect((ask(index, 'a.apps.home.example.com', TYPE.A) as Packet).answers).toHaveLength(1);
    expect((ask(index, 'a.b.c.apps.home.example.com', TYPE.A) as Packet).answers).toHaveLength(1);
    const ent = ask(index, 'apps.home.example.com', TYPE.A) as Packet; // empty non-terminal
    expect([ent.header.rcode, ent.answers.length]).toEqual([0, 0]);
    expect(index.exact.get('x.y.apps.home.example.com')?.served.routes).toEqual(['HTTPRoute home/deep']);
  });
  it('answers the apex SOA and NS, the nameserver address, and misses for unknown names', () => {
    expect((ask(index, 'home.example.com', TYPE.SOA) as Packet).answers[0]).toMatchObject({
      type: TYPE.SOA,
      serial: 7,
    });
    expect((ask(index, 'home.example.com', TYPE.NS) as Packet).answers[0]).toMatchObject({
      ns: 'ns.home.example.com',
    });
    expect((ask(index, 'ns.home.example.com', TYPE.A) as Packet).answers[0]).toMatchObject({
      address: '10.90.3.200',
    });
    expect(ask(index, 'nothing.home.example.com', TYPE.A)).toBe('miss');
    expect(ask(index, 'pdf.elsewhere.org', TYPE.A)).toBe('outside');
    expect(index.outside).toEqual([]); // the listener's *.home.example.com already excludes it
    const open = buildIndex(
      {
        ...snapshot([route('off', ['pdf.elsewhere.org'])]),
        gateways: [gw('internal', [https()], ['10.90.3.202'])],
      },
      config,
    );
    expect(open.outside).toEqual(['pdf.elsewhere.org']);
  });
  it('answers per view and PTR for the gateway address in a reverse zone', () => {
    expect((ask(index, 'pdf.home.example.com', TYPE.A, 1) as Packet).answers[0]).toMatchObject({
      address: '100.100.3.202',
    });
    const ptr = ask(index, '202.3.90.10.in-addr.arpa', TYPE.PTR) as Packet;
    expect(ptr.answers.map((r) => (r as { domain?: string }).domain)).toEqual([
      'pdf.home.example.com',
      'x.y.apps.home.example.com',
    ]);
    expect(ask(index, '99.3.90.10.in-addr.arpa', TYPE.PTR)).toBe('miss');
  });
  it('uses spec.addresses and the config override when told to', () => {
    const fromSpec = buildIndex(
      { ...snapshot([route('pdf', ['pdf.home.example.com'])], []) },
      { ...config, fromManifests: true },
    );
    expect(fromSpec.exact.get('pdf.home.example.com')?.served.addresses.default).toEqual(['10.90.3.202']);
    const override = buildIndex(snapshot([route('pdf', ['pdf.home.example.com'])]), {
      ...config,
      gateways: [{ ref: 'network/internal', addresses: ['10.1.1.1'] }],
    });
    expect(override.exact.get('pdf.home.example.com')?.served.addresses.default).toEqual(['10.1.1.1']);
  });
});
