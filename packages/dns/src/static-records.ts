import type { DnsConfig } from './config.ts';
import { isDnsName, normalName } from './wire/name.ts';
import { isRecordType, parseValue, type RecordType } from './wire/rdata.ts';

/** Reports one problem of the config, naming its key (shared checkConfig's `fail`). */
type Fail = (message: string) => void;

/** A record from the config's `records`, checked and in wire form. */
export interface StaticRecord {
  /** Lower case, no final dot. */
  name: string;
  type: RecordType;
  /** The values' RDATA with their canonical text, in order. */
  values: readonly { type: number; rdata: Buffer; text: string }[];
  /** 0: the config's `ttl`. */
  ttl: number;
  /** Answer PTR records for A and AAAA values. */
  ptr: boolean;
  /** `records[i]`, how the log and /records name it. */
  key: string;
}

/**
 * The config's static records, each value in wire form. A name outside every zone is answered
 * exactly (a hosts file), so it cannot be a wildcard; a CNAME stands alone at its name (RFC 1034
 * §3.6.2) and has one value.
 */
export function staticRecords(
  list: DnsConfig['records'],
  zones: readonly string[],
  fail: Fail,
): StaticRecord[] {
  const out: StaticRecord[] = [];
  for (const [i, r] of list.entries()) {
    const key = `records[${i}]`;
    const name = normalName(r.name.trim());
    const wildcard = name.startsWith('*.');
    if (!isDnsName(wildcard ? name.slice(2) : name)) fail(`${key}.name: "${r.name}" is not a DNS name`);
    else if (wildcard && !zones.some((z) => name.endsWith(`.${z}`))) {
      fail(`${key}.name: "${r.name}": a wildcard must be inside one of the zones`);
    }
    if (!isRecordType(r.type)) continue; // the schema has said so
    if (r.values.length === 0) fail(`${key}.values: at least one value`);
    if (r.type === 'CNAME' && r.values.length > 1) fail(`${key}.values: a CNAME has one value`);
    const values = r.values.flatMap((v, j) => {
      const parsed = parseValue(r.type as RecordType, v);
      if ('rdata' in parsed) return [parsed];
      fail(`${key}.values[${j}]: ${parsed.problem}`);
      return [];
    });
    out.push({ name, type: r.type, values, ttl: r.ttl, ptr: r.ptr, key });
  }
  for (const r of out) {
    if (r.type === 'CNAME' && out.some((o) => o.name === r.name && o.type !== 'CNAME')) {
      fail(`${r.key}: ${r.name} has a CNAME and other records; a CNAME stands alone`);
    }
  }
  return out;
}
