/**
 * The longest-suffix match of conditional forwarding (dnsmasq's `server=/domain/`, CoreDNS's
 * `forward DOMAIN`, unbound's forward-zone): of the domains that are `name` or one of its
 * parents, the longest wins. `''` is the root: it covers every name. Names and domains are lower
 * case without the final dot (wire/name.ts's normalName, parseQuery's `name`).
 *
 * The per-query work is one map lookup per label of the name, longest first, and only for as many
 * labels as the longest domain has: `a.b.internal` against `internal` and the root is 2 lookups.
 */
export type SuffixMatch<T> = (name: string) => T | undefined;

export function suffixMatch<T>(entries: Iterable<readonly [domain: string, value: T]>): SuffixMatch<T> {
  const table = new Map<string, T>();
  let deepest = 0;
  for (const [domain, value] of entries) {
    if (table.has(domain)) continue; // the first entry for a domain wins; config checks refuse twins
    table.set(domain, value);
    deepest = Math.max(deepest, labelsOf(domain));
  }
  const root = table.get('');
  if (table.size === 0 || (table.size === 1 && root !== undefined)) return () => root;
  return (name) => {
    // Skip the labels no domain is long enough to reach: start at the suffix of `deepest` labels.
    let at = startOfLast(name, deepest);
    for (;;) {
      const value = table.get(at === 0 ? name : name.slice(at));
      if (value !== undefined) return value;
      const dot = name.indexOf('.', at);
      if (dot < 0) return root;
      at = dot + 1;
    }
  };
}

const labelsOf = (domain: string): number => (domain === '' ? 0 : domain.split('.').length);

/** The index where the last `count` labels of `name` begin (0 when it has no more than that). */
function startOfLast(name: string, count: number): number {
  let at = name.length;
  for (let seen = 0; seen < count; seen += 1) {
    const dot = name.lastIndexOf('.', at - 1);
    if (dot < 0) return 0;
    at = dot;
  }
  return at + 1;
}
