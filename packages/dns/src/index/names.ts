import { isWildcardHostname } from '@horizon/shared';
import { inZone } from './hostnames.ts';
import type { Entry } from './types.ts';
import type { Zone } from './zone.ts';

/**
 * The empty non-terminals of a set of names: the names between each one and its zone's apex that
 * hold nothing of their own but have names below them (NODATA, never NXDOMAIN: RFC 8020). A
 * wildcard's suffix counts as one (`*.apps.example.com` makes `apps.example.com` exist).
 */
export function entsOf(names: Iterable<string>, zoneOf: (name: string) => Zone | undefined): Set<string> {
  const all = [...names];
  const between = new Set<string>();
  for (const name of all) {
    const zone = zoneOf(name);
    if (!zone) continue;
    for (let n = parentOf(name); n !== null && inZone(n, zone.name) && n !== zone.name; n = parentOf(n)) {
      between.add(n);
    }
  }
  for (const name of all) if (!isWildcardHostname(name)) between.delete(name);
  return between;
}

/** The name tables of an index: exact names, and wildcards by the suffix they cover. */
export function createNameTable() {
  const exact = new Map<string, Entry>();
  const wildcards = new Map<string, Entry>();
  return {
    exact,
    wildcards,
    add(entry: Entry): void {
      const name = entry.served.name;
      if (isWildcardHostname(name)) wildcards.set(name.slice(2), entry);
      else exact.set(name, entry);
    },
  };
}

function parentOf(name: string): string | null {
  const dot = name.indexOf('.');
  return dot < 0 ? null : name.slice(dot + 1);
}
