import { isWildcardHostname } from '@horizon/shared';
import { TYPE } from '../wire/constants.ts';
import { nameRdata, record, reverseName } from '../wire/records.ts';
import type { Answer } from '../wire/response.ts';
import type { Entry, ServedName } from './types.ts';
import type { Zone } from './zone.ts';

/**
 * PTR records for the Gateways' addresses that fall inside a reverse zone of ours: each address
 * names every host served through it (wildcards have no name to give). Added to `exact`.
 */
export function addReverseNames(
  exact: Map<string, Entry>,
  zoneOf: (name: string) => Zone | undefined,
  served: Iterable<ServedName>,
  addresses: (ref: string, view: number) => string[],
  ttl: number,
): void {
  const names = new Map<string, Set<string>>();
  for (const s of served) {
    if (isWildcardHostname(s.name)) continue; // a wildcard has no name to give
    for (const address of addresses(s.gateway, 0)) {
      const rev = reverseName(address);
      names.set(rev, (names.get(rev) ?? new Set()).add(s.name));
    }
  }
  for (const [rev, hosts] of names) {
    const zone = zoneOf(rev);
    if (!zone) continue;
    const list = [...hosts].sort();
    const body = Buffer.concat(list.map((h) => record('question', TYPE.PTR, ttl, nameRdata(h))));
    const ptr: Answer = { rcode: 0, aa: true, ancount: list.length, nscount: 0, arcount: 0, body };
    const answers = new Map<number, Answer>([
      [TYPE.PTR, ptr],
      [TYPE.ANY, ptr],
    ]);
    exact.set(rev, {
      answers: [answers],
      zone,
      served: { name: rev, gateway: '(reverse)', routes: [], addresses: { default: list } },
    });
  }
}
