import { createHash, randomBytes } from 'node:crypto';
import type { Sealer } from '../session/seal.ts';
import type { CookieWriter } from './cookies.ts';

/**
 * One login in progress, sealed into its own flow cookie. Only a random seed is kept: state,
 * nonce and PKCE verifier are derived from it, so a flow cookie is about 200 bytes and sixteen
 * fit in a Cookie header beside the session (nginx refuses a header line over 8 KB by default).
 * The seal is bound to the host, so a flow opens only where it began.
 */
export interface Flow {
  /** 32 random bytes, base64url. */
  seed: string;
  /** Path and query to return to on this host. */
  returnTo: string;
  createdAt: number;
}

export interface FlowSecrets {
  state: string;
  nonce: string;
  verifier: string;
}

/**
 * The secrets of a flow. Each is SHA-256 of a label and the seed: the state and nonce the
 * provider sees reveal nothing of the seed, so the verifier stays secret until the code is
 * redeemed (RFC 7636 4.1 asks for 32 random octets; the seed has them).
 */
export function flowSecrets(seed: string): FlowSecrets {
  const derive = (label: string) => createHash('sha256').update(`${label}\n${seed}`).digest('base64url');
  return { state: derive('state'), nonce: derive('nonce'), verifier: derive('pkce') };
}

export const newSeed = (): string => randomBytes(32).toString('base64url');

const purpose = (host: string) => `flow\n${host}`;

export function sealFlow(sealer: Sealer, host: string, flow: Flow): string {
  return sealer.seal(purpose(host), { s: flow.seed, r: flow.returnTo, t: flow.createdAt });
}

/** The flow a cookie value holds for this host, or undefined (another host, forged, garbled). */
export function openFlow(sealer: Sealer, host: string, value: string): Flow | undefined {
  try {
    const v = sealer.open(purpose(host), value) as { s?: unknown; r?: unknown; t?: unknown };
    if (typeof v.s !== 'string' || typeof v.r !== 'string' || typeof v.t !== 'number') return undefined;
    return { seed: v.s, returnTo: v.r, createdAt: v.t };
  } catch {
    return undefined;
  }
}

/** Limits on the flow cookies one browser holds for one host. */
export interface FlowLimits {
  /** Logins in progress at once (`flow.maxParallel`). */
  maxParallel: number;
  /** Bytes all flow cookies may take in the Cookie header together. */
  maxBytes: number;
}

/** Flow cookies that do not open here are cleared, at most this many per answer. */
const MAX_JUNK_CLEARS = 4;

/**
 * The Set-Cookie lines that make room for a new flow of `newBytes`: the oldest flows go first
 * when there are `maxParallel` already or their bytes would pass `maxBytes`, and cookies named
 * like flows that do not open here (forged, garbled, left by another key) are cleared, a few per
 * answer. A browser sending 700 of them gets at most `maxParallel + MAX_JUNK_CLEARS` lines.
 */
export function makeRoom(
  cookies: Record<string, string | undefined>,
  writer: CookieWriter,
  open: (value: string) => Flow | undefined,
  newBytes: number,
  limits: FlowLimits,
): string[] {
  const live: { name: string; bytes: number; createdAt: number }[] = [];
  const out: string[] = [];
  // Only this service writes flows that open, at most maxParallel of them; a client replaying
  // more of its own is bounded by what is read here and by the lines written below.
  const maxLines = limits.maxParallel + MAX_JUNK_CLEARS;
  for (const name of writer.flowNames(cookies).slice(0, 2 * maxLines)) {
    const value = cookies[name] ?? '';
    const flow = open(value);
    if (flow) live.push({ name, bytes: name.length + value.length + 2, createdAt: flow.createdAt });
    else if (out.length < MAX_JUNK_CLEARS) out.push(writer.clearFlow(name));
  }
  live.sort((a, b) => a.createdAt - b.createdAt);
  let bytes = live.reduce((sum, f) => sum + f.bytes, newBytes);
  let count = live.length + 1;
  for (const f of live) {
    if ((count <= limits.maxParallel && bytes <= limits.maxBytes) || out.length >= maxLines) break;
    out.push(writer.clearFlow(f.name));
    count -= 1;
    bytes -= f.bytes;
  }
  return out;
}
