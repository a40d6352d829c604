import { type Clock, createRecent } from '@horizon/shared';
import type { DecisionObserver } from '../check/check.ts';

/** Refusals the status page lists: the last of them, newest first. */
export const RECENT_DENIALS = 50;
/** Characters kept of a host or a path: a client chooses them, and 50 of them are kept. */
const KEEP = 200;

export interface Denial {
  at: number;
  host: string;
  path: string;
  policy: string;
  reason: string;
  client: string;
}

/** Answers that are 403s on the wire but refuse nothing: sign-out's pages (check/sign-out.ts). */
const NOT_REFUSALS = new Set(['sign-out', 'sign-out-confirm']);

const clip = (s: string) => (s.length > KEEP ? `${s.slice(0, KEEP)}…` : s);

/**
 * The last refusals (every answer but a pass, a redirect to sign in or a sign-out page), for the status page: what
 * was asked, under which policy, why it was refused, and who asked. Never a header's value, a
 * token or a cookie. A fixed ring of clipped strings, so a flood of refusals costs nothing more.
 */
export function createDenialLog(clock: Clock) {
  const recent = createRecent<Denial>(RECENT_DENIALS);
  const observe: DecisionObserver = (reply, policy, raw, request) => {
    if (reply.status === 200 || reply.status === 302 || NOT_REFUSALS.has(reply.reason)) return;
    recent.add({
      at: clock.now(),
      host: clip(request?.host ?? '(unreadable)'),
      path: clip(request?.path ?? ''),
      policy,
      reason: reply.reason,
      // The client as the front reports it (clientAddress.trustedHops); else who sent the check.
      client: clip(request?.client ?? raw.peer),
    });
  };
  return { observe, list: () => recent.list() };
}
