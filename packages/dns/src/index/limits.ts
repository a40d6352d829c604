import type { Problem } from './types.ts';

/**
 * What one object or config entry may make the index hold. The cluster can grow the index (every
 * Service, DNSEndpoint and route is someone's to write), so each of these has a bound and a defined
 * behaviour past it, said once in the log and on /records (README, "Limits").
 */
export const LIMITS = {
  /**
   * Names in the index from the cluster's objects: a cluster can make Services and DNSEndpoints by
   * the thousand, and 10,000 names is the scale benchmarked under the image's heap (BENCHMARKS.md).
   * Past it, names are taken in precedence order (routes first) and the rest are not served: one
   * problem says how many. The config's own names are not counted.
   */
  names: 10_000,
  /** Names in one `hostname` annotation (a comma list); past it, the first ones are served. */
  namesPerAnnotation: 64,
  /** Endpoints of one DNSEndpoint; past it, the first ones are served. */
  endpointsPerObject: 256,
  /** Records in one RRset (targets, addresses, the names of a PTR); past it, the first ones. */
  recordsPerSet: 64,
  /** Bytes of one RRset on the wire; past it, the records that do not fit are dropped. */
  bytesPerSet: 16_384,
  /** CNAMEs followed within our data for one answer; past it, the answer ends at the last one. */
  cnameChain: 8,
  /** Problems, conflicts and names outside the zones kept for /records and the log per build; past it, only counted. */
  reportsKept: 1_000,
} as const;

/** The problems of one build: kept up to {@link LIMITS.reportsKept}, the rest counted. */
export function createProblems() {
  const list: Problem[] = [];
  let dropped = 0;
  return {
    list,
    add(owner: string, problem: string): void {
      if (list.length < LIMITS.reportsKept) list.push({ owner, problem });
      else dropped += 1;
    },
    dropped: () => dropped,
  };
}

export type Problems = ReturnType<typeof createProblems>;
