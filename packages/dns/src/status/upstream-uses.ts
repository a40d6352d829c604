import { upstreamLabel } from '../upstream/address.ts';
import type { UpstreamsSettings } from '../upstream/upstreams.ts';

/** At most this many domains named per rule on the page; the config has them all. */
const DOMAINS_SHOWN = 4;

/**
 * What each upstream is for, by its label (the `to` of the forward metrics): names outside the
 * zones (`forward.upstreams`), a rule's domains (`forward.rules[i]`), our names with no record
 * (`zoneMiss.upstreams`). One upstream may serve several.
 */
export function upstreamUses(s: Pick<UpstreamsSettings, 'forward' | 'zoneMiss'>): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (upstreams: readonly Parameters<typeof upstreamLabel>[0][], use: string) => {
    for (const u of upstreams) {
      const label = upstreamLabel(u);
      uses.set(label, [...(uses.get(label) ?? []), use]);
    }
  };
  add(s.forward.upstreams, 'names outside the zones');
  for (const rule of s.forward.rules) {
    const shown = rule.domains.slice(0, DOMAINS_SHOWN).join(', ');
    const more =
      rule.domains.length > DOMAINS_SHOWN ? ` and ${rule.domains.length - DOMAINS_SHOWN} more` : '';
    add(rule.upstreams, `${rule.key}: ${shown}${more}`);
  }
  if (s.zoneMiss.mode === 'forward') add(s.zoneMiss.upstreams, 'zone names with no record (zoneMiss)');
  return uses;
}
