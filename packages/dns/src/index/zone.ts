import { TYPE } from '../wire/constants.ts';
import { addressRdata, nameRdata, record, soaRdata } from '../wire/records.ts';
import type { Answer } from '../wire/response.ts';

/** A zone we are authoritative for, with its negative answers ready. */
export interface Zone {
  name: string;
  /** NOERROR, no records, SOA in authority (RFC 2308 NODATA). */
  nodata: Answer;
  /** NXDOMAIN with the SOA in authority. */
  nxdomain: Answer;
  /** Answers at the apex by type (SOA, NS). */
  apex: Map<number, Answer>;
}

export interface ZoneOptions {
  name: string;
  /** Name of the apex NS record. */
  nameserver: string;
  /** Addresses of the nameserver, answered for its name when inside the zone. */
  nameserverAddresses: readonly string[];
  ttl: number;
  negativeTtl: number;
  serial: number;
}

/**
 * SOA: MNAME the nameserver, RNAME hostmaster.<zone>, serial = the index generation, MINIMUM = the
 * negative TTL. The SOA in a negative answer carries min(SOA TTL, MINIMUM) as its TTL (RFC 2308 §3).
 */
export function buildZone(o: ZoneOptions): Zone {
  const soa = soaRdata({
    mname: o.nameserver,
    rname: `hostmaster.${o.name}`.replace(/^hostmaster\.$/, 'hostmaster'),
    serial: o.serial,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: o.negativeTtl,
  });
  const authority = record(o.name, TYPE.SOA, o.negativeTtl, soa);
  const negative = (rcode: number): Answer => ({
    rcode,
    aa: true,
    ancount: 0,
    nscount: 1,
    arcount: 0,
    body: authority,
  });
  const apex = new Map<number, Answer>();
  apex.set(TYPE.SOA, {
    rcode: 0,
    aa: true,
    ancount: 1,
    nscount: 0,
    arcount: 0,
    body: record('question', TYPE.SOA, o.ttl, soa),
  });
  apex.set(TYPE.NS, {
    rcode: 0,
    aa: true,
    ancount: 1,
    nscount: 0,
    arcount: 0,
    body: record('question', TYPE.NS, o.ttl, nameRdata(o.nameserver)),
  });
  // RFC 8482 §4.2: ANY is answered with one RRset of the name; at the apex, the SOA.
  apex.set(TYPE.ANY, apex.get(TYPE.SOA) as Answer);
  return { name: o.name, nodata: negative(0), nxdomain: negative(3), apex };
}

/** Answers for a name holding `addresses`: A and AAAA RRsets, ANY answered minimally (RFC 8482). */
export function addressAnswers(addresses: readonly string[], ttl: number, zone: Zone): Map<number, Answer> {
  const byType = new Map<number, Buffer[]>();
  for (const address of addresses) {
    const { type, rdata } = addressRdata(address);
    byType.set(type, [...(byType.get(type) ?? []), record('question', type, ttl, rdata)]);
  }
  const answers = new Map<number, Answer>();
  for (const [type, records] of byType) {
    answers.set(type, {
      rcode: 0,
      aa: true,
      ancount: records.length,
      nscount: 0,
      arcount: 0,
      body: Buffer.concat(records),
    });
  }
  // RFC 8482 §4.2: answer ANY with one RRset of the name rather than all of them.
  const any = answers.get(TYPE.A) ?? answers.get(TYPE.AAAA) ?? zone.nodata;
  answers.set(TYPE.ANY, any);
  return answers;
}
