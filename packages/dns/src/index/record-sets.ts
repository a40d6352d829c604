import { TYPE, TYPE_NAME } from '../wire/constants.ts';
import { addressRdata } from '../wire/records.ts';
import { LIMITS, type Problems } from './limits.ts';
import type { RecordSets } from './types.ts';

/** Bytes a record adds to an answer besides its RDATA: the owner pointer, type, class, TTL, length. */
const RECORD_OVERHEAD = 12;

/**
 * Adds one record to a name's RRsets: a value already there is not added twice; an RRset holds
 * at most {@link LIMITS.recordsPerSet} records and {@link LIMITS.bytesPerSet} bytes (past either,
 * the record is a problem of `owner`). Records of one type share the TTL of the first (RFC 2181
 * §5.2: one TTL per RRset).
 */
export function addRecord(
  sets: RecordSets,
  type: number,
  ttl: number,
  value: { rdata: Buffer; text: string },
  owner: string,
  problems: Problems,
): void {
  let set = sets.get(type);
  if (!set) {
    set = { ttl, rdata: [], text: [] };
    sets.set(type, set);
  }
  if (set.text.includes(value.text)) return;
  const bytes = set.rdata.reduce((n, r) => n + r.length + RECORD_OVERHEAD, 0);
  if (
    set.rdata.length >= LIMITS.recordsPerSet ||
    bytes + value.rdata.length + RECORD_OVERHEAD > LIMITS.bytesPerSet
  ) {
    problems.add(
      owner,
      `${TYPE_NAME[type] ?? type} ${value.text.slice(0, 80)}: past ${LIMITS.recordsPerSet} records or ${LIMITS.bytesPerSet} bytes in one RRset, not served`,
    );
    return;
  }
  set.rdata.push(value.rdata);
  set.text.push(value.text);
}

/** A and AAAA RRsets for addresses (already checked to be IP addresses). */
export function addressSets(
  addresses: readonly string[],
  ttl: number,
  owner: string,
  problems: Problems,
): RecordSets {
  const sets: RecordSets = new Map();
  for (const address of addresses) {
    const { type, rdata } = addressRdata(address);
    addRecord(sets, type, ttl, { rdata, text: address.toLowerCase() }, owner, problems);
  }
  return sets;
}

/** The A and AAAA values of record sets, for /records. */
export const addressesIn = (sets: RecordSets | undefined): string[] => [
  ...(sets?.get(TYPE.A)?.text ?? []),
  ...(sets?.get(TYPE.AAAA)?.text ?? []),
];

/** Two names' records are the same: the same types, each with the same values. */
export function sameRecords(a: RecordSets | undefined, b: RecordSets | undefined): boolean {
  if (!a || !b || a.size !== b.size) return false;
  for (const [type, set] of a) {
    const other = b.get(type)?.text;
    if (!other || other.length !== set.text.length || !set.text.every((t) => other.includes(t))) return false;
  }
  return true;
}
