import { type GatewayApiSnapshot, snapshotOf, wildcardCovers } from '@horizon/shared';
import { Packet } from 'dns2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.ts';
import { isMiss, lookup } from '../../src/index/lookup.ts';
import { TYPE } from '../../src/wire/constants.ts';
import { parseQuery } from '../../src/wire/query.ts';
import { answerMessage } from '../../src/wire/response.ts';

const ZONE = 'home.example.com';
const label = fc.constantFrom('a', 'b', 'app', 'x1', 'pdf', 'id');
const relative = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
const served = fc
  .uniqueArray(
    fc.oneof(
      relative,
      relative.map((r) => `*.${r}`),
    ),
    { maxLength: 8 },
  )
  .map((rs) => rs.map((r) => `${r}.${ZONE}`));
const qname = fc.oneof(
  relative.map((r) => `${r}.${ZONE}`),
  fc.constant(ZONE),
  relative.map((r) => `${r}.example.org`),
);
const qtype = fc.constantFrom(
  TYPE.A,
  TYPE.AAAA,
  TYPE.HTTPS,
  TYPE.SVCB,
  TYPE.TXT,
  TYPE.MX,
  TYPE.CAA,
  TYPE.SOA,
  TYPE.NS,
  TYPE.ANY,
  99,
);

function indexFor(hosts: string[]) {
  const snapshot: GatewayApiSnapshot = snapshotOf(42, {
    gateways: [
      {
        metadata: { name: 'internal', namespace: 'network' },
        spec: {
          gatewayClassName: 'e',
          listeners: [
            { name: 'h', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } } },
          ],
        },
        status: { addresses: [{ value: '10.90.3.202' }] },
      },
    ],
    httpRoutes: [
      {
        metadata: { name: 'r', namespace: 'home' },
        spec: { parentRefs: [{ name: 'internal', namespace: 'network' }], hostnames: hosts },
      },
    ],
  });
  return buildIndex(snapshot, {
    zones: [{ name: ZONE, nameserver: `ns.${ZONE}`, nameserverAddresses: [] }],
    reverseZones: [],
    gateways: [{ ref: 'network/internal', addresses: [] }],
    views: [],
    ttl: 30,
    negativeTtl: 30,
    ignoreStatus: true,
    fromManifests: false,
    statics: [],
  });
}

function decode(index: ReturnType<typeof indexFor>, name: string, type: number) {
  const p = new Packet();
  p.questions.push({ name, type, class: 1 } as never);
  const q = parseQuery(p.toBuffer(), { address: '127.0.0.1', port: 1 }, 'udp');
  if ('kind' in q) throw new Error('unparsable');
  const r = lookup(index, q.name, type, 0);
  if (r === undefined) return 'outside' as const;
  return Packet.parse(answerMessage(q, isMiss(r) ? r.miss.nxdomain : r));
}

describe('authoritative invariants over random names and types', () => {
  it('inside the zone: AA always; records only for served names; NXDOMAIN only when nothing is at or below the name; the SOA with every empty answer', () => {
    fc.assert(
      fc.property(served, qname, qtype, (hosts, name, type) => {
        const index = indexFor(hosts);
        const r = decode(index, name, type);
        const inZone = name === ZONE || name.endsWith(`.${ZONE}`);
        if (!inZone) return r === 'outside';
        if (r === 'outside') return false;
        const exists = hosts.some((h) => h === name || (h.startsWith('*.') && wildcardCovers(h, name)));
        const below = hosts.some((h) => h.endsWith(`.${name}`));
        expect(r.header.aa).toBe(1);
        if (r.header.rcode === 3) expect(exists || below || name === ZONE).toBe(false);
        if (exists && (type === TYPE.A || type === TYPE.ANY))
          expect(r.answers.map((a) => (a as { address?: string }).address)).toEqual(['10.90.3.202']);
        if (r.answers.length === 0) {
          expect(r.authorities).toHaveLength(1);
          expect(r.authorities[0]).toMatchObject({ type: TYPE.SOA, name: ZONE, serial: 42, minimum: 30 });
        }
        if (exists && type !== TYPE.A && type !== TYPE.ANY)
          expect([r.header.rcode, r.answers.length]).toEqual([0, 0]); // NODATA, never upstream
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
