import { type Clock, createRecent } from '@horizon/shared';
import { inZone } from '../index/hostnames.ts';
import type { RequestObserver } from '../respond.ts';
import { RCODE, RCODE_NAME, TYPE_NAME } from '../wire/constants.ts';

/** The failed answers the status page lists: the last of them, newest first. */
export const RECENT_FAILURES = 50;

export interface FailedAnswer {
  at: number;
  name: string;
  type: string;
  rcode: string;
  reason: string;
  client: string;
}

export interface AnswerLogOptions {
  zones: readonly string[];
  /** Whether the index has synced: an unsynced zone answers SERVFAIL. */
  synced: () => boolean;
  clock: Clock;
}

/**
 * Remembers the last SERVFAIL and NXDOMAIN answers with why each was given, for the status page.
 * It observes what the server sent (the observer runs after the answer left), so the page shows
 * the answer a client got, not what a handler meant; the ring is fixed, so a flood of failures
 * costs a slot each. Every other answer costs one byte read.
 */
export function createAnswerLog(o: AnswerLogOptions) {
  const recent = createRecent<FailedAnswer>(RECENT_FAILURES);
  const ours = (name: string) => o.zones.find((z) => inZone(name, z));
  const observe: RequestObserver = (q, _transport, _family, response) => {
    if (q === null || response === null) return;
    const rcode = (response[3] ?? 0) & 0xf;
    if (rcode !== RCODE.SERVFAIL && rcode !== RCODE.NXDOMAIN) return;
    recent.add({
      at: o.clock.now(),
      name: q.name,
      type: TYPE_NAME[q.type] ?? String(q.type),
      rcode: RCODE_NAME[rcode] ?? String(rcode),
      reason: reasonOf(rcode, ours(q.name), o.synced(), ((response[2] ?? 0) & 0x04) !== 0),
      client: q.client.address,
    });
  };
  return { observe, list: () => recent.list() };
}

/** Why an answer failed, in the words of the page, from what it was and where the name lives. */
function reasonOf(rcode: number, zone: string | undefined, synced: boolean, authoritative: boolean): string {
  if (rcode === RCODE.NXDOMAIN) {
    if (authoritative && zone) return `nothing in the cluster or the config names it in ${zone}`;
    return zone
      ? `not ours: the zone-miss resolver says it does not exist`
      : 'the upstream says it does not exist';
  }
  if (zone && !synced) return 'the index has not synced yet: zone names wait for it';
  if (zone && authoritative) return 'failed inside Horizon (see the log)';
  return 'no upstream answered, or the upstream answered SERVFAIL (see Upstreams)';
}
