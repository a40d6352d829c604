import { isWildcardHostname } from '@horizon/shared';
import type { Answer } from '../wire/response.ts';
import { inZone } from './hostnames.ts';
import type { Entry, ServedName } from './types.ts';
import type { Zone } from './zone.ts';

/**
 * The names of an index being built: exact names, wildcards by the suffix they cover, and the
 * empty non-terminals between each name and its zone's apex (names with nothing of their own but
 * names below them: NODATA, never NXDOMAIN, RFC 8020).
 */
export function createNameTable(zoneOf: (name: string) => Zone | undefined) {
  const exact = new Map<string, Entry>();
  const wildcards = new Map<string, Entry>();
  const between = new Set<string>();
  return {
    exact,
    wildcards,
    /** Serves `served.name` with `answers` (one map per view); a name outside every zone is skipped. */
    add(served: ServedName, answers: Map<number, Answer>[]) {
      const zone = zoneOf(served.name);
      if (!zone) return;
      const entry = { answers, zone, served };
      if (isWildcardHostname(served.name)) wildcards.set(served.name.slice(2), entry);
      else exact.set(served.name, entry);
      for (
        let n = parentOf(served.name);
        n !== null && inZone(n, zone.name) && n !== zone.name;
        n = parentOf(n)
      ) {
        between.add(n);
      }
    },
    /** The empty non-terminals, once every name is in: a name served itself is not one. */
    ents(): Set<string> {
      for (const name of exact.keys()) between.delete(name); // wildcard keys are suffixes: they stay ENTs
      return between;
    },
  };
}

function parentOf(name: string): string | null {
  const dot = name.indexOf('.');
  return dot < 0 ? null : name.slice(dot + 1);
}
