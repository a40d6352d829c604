import type { Answer } from '../wire/response.ts';
import type { IndexData } from './types.ts';
import type { Zone } from './zone.ts';

/** A name inside one of our zones that has nothing: what to do is the zone-miss policy's call. */
export interface ZoneMiss {
  miss: Zone;
}

const misses = new WeakMap<Zone, ZoneMiss>();
const missOf = (zone: Zone): ZoneMiss => {
  let m = misses.get(zone);
  if (!m) {
    m = { miss: zone };
    misses.set(zone, m);
  }
  return m;
};

/**
 * Answers `name`/`type` for a client in `view`, from the index alone (no I/O, no allocation on a
 * hit). Returns an Answer, a ZoneMiss for a name in a zone with nothing of its own, or undefined
 * for a name outside every zone. An exact name beats a wildcard; a longer wildcard beats a shorter.
 */
export function lookup(
  index: IndexData,
  name: string,
  type: number,
  view: number,
): Answer | ZoneMiss | undefined {
  const exact = index.exact.get(name);
  if (exact) return (exact.answers[view] ?? exact.answers[0])?.get(type) ?? exact.otherwise;
  let zone: Zone | undefined;
  for (const z of index.zones) {
    if (name === z.name || name.endsWith(`.${z.name}`) || z.name === '') {
      zone = z;
      break;
    }
  }
  if (!zone) return undefined;
  if (name === zone.name) return zone.apex.get(type) ?? zone.nodata;
  // Walk up: a.b.apps.example.com tries apps' wildcards from the most specific suffix.
  for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
    const suffix = name.slice(dot + 1);
    const wild = index.wildcards.get(suffix);
    if (wild) return (wild.answers[view] ?? wild.answers[0])?.get(type) ?? wild.otherwise;
    if (suffix === zone.name) break;
  }
  if (index.ents.has(name)) return zone.nodata; // RFC 8020: something exists below, so not NXDOMAIN
  return missOf(zone);
}

export const isMiss = (r: Answer | ZoneMiss | undefined): r is ZoneMiss => r !== undefined && 'miss' in r;
