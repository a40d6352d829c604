import { type KubeObject, keyOf } from '@horizon/shared';
import { isDnsName, normalName } from '../wire/name.ts';
import { LIMITS, type Problems } from './limits.ts';

/**
 * The annotations users already write for external-dns, read the way external-dns reads them, on
 * routes, Gateways, Services and DNSEndpoints: `hostname`, `ttl`, `controller`,
 * `gateway-hostname-source`, under both prefixes (v0.22 renamed `external-dns.alpha.kubernetes.io/`
 * to `external-dns.kubernetes.io/`; the new one wins where both are set), and Horizon's own
 * opt-out. docs/migrating.md maps each to external-dns's behaviour.
 */
export const PREFIXES = ['external-dns.kubernetes.io/', 'external-dns.alpha.kubernetes.io/'] as const;

/** `horizon.io/dns-ignore: "true"`: Horizon serves nothing from this object. */
export const IGNORE_ANNOTATION = 'horizon.io/dns-ignore';

/** `controller` values Horizon answers for: external-dns's own (the default) and Horizon's. */
const OURS = new Set(['dns-controller', 'horizon']);

type Annotations = Readonly<Record<string, string>> | undefined;

/** An external-dns annotation's value under either prefix, the new prefix first. */
export function annotation(a: Annotations, key: string): string | undefined {
  if (!a) return undefined;
  for (const prefix of PREFIXES) {
    const value = a[prefix + key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Why Horizon leaves the object alone (its opt-out), or undefined to serve it. */
export function optedOut(a: Annotations): string | undefined {
  if (a?.[IGNORE_ANNOTATION]?.trim().toLowerCase() === 'true') return `${IGNORE_ANNOTATION}: "true"`;
  const controller = annotation(a, 'controller')?.trim();
  if (controller !== undefined && !OURS.has(controller)) return `controller: "${controller}"`;
  return undefined;
}

/** A name as a record's owner: a DNS name, or a wildcard `*.` before one. */
export function isOwnerName(name: string): boolean {
  return isDnsName(name.startsWith('*.') ? name.slice(2) : name);
}

/**
 * The names of a `hostname` annotation: a comma list (spaces ignored, as external-dns splits it),
 * lower case without final dots, wildcards allowed. An invalid name is a problem and skipped; past
 * {@link LIMITS.namesPerAnnotation} names the rest are a problem too.
 */
export function hostnamesOf(a: Annotations, owner: string, problems: Problems): string[] {
  const value = annotation(a, 'hostname');
  if (value === undefined) return [];
  const out: string[] = [];
  const parts = value.split(',');
  for (const part of parts) {
    const text = part.replaceAll(/\s/g, '');
    if (text === '') continue;
    const name = normalName(text);
    if (out.length >= LIMITS.namesPerAnnotation) {
      problems.add(owner, `hostname: ${parts.length} names, the first ${LIMITS.namesPerAnnotation} served`);
      break;
    }
    if (!isOwnerName(name)) problems.add(owner, `hostname: "${text.slice(0, 80)}" is not a DNS name`);
    else if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * The `ttl` annotation in seconds: an integer (`"60"`) or a Go duration (`"1m"`, `"1h30m"`), from 1
 * to 2^31-1 as external-dns takes it; undefined when absent or invalid (invalid is a problem).
 */
export function ttlOf(a: Annotations, owner: string, problems: Problems): number | undefined {
  const value = annotation(a, 'ttl');
  if (value === undefined) return undefined;
  const seconds = parseTtl(value.trim());
  if (seconds === undefined || seconds < 1 || seconds > 0x7fffffff) {
    problems.add(owner, `ttl: "${value.slice(0, 40)}" is not a TTL (seconds, or a duration such as 5m)`);
    return undefined;
  }
  return seconds;
}

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds of `"600"` or a Go duration (`"10m"`, `"1.5h"`, `"1h30m"`), fractions of a second dropped. */
function parseTtl(text: string): number | undefined {
  if (/^\d{1,12}$/.test(text)) return Number(text);
  if (text === '' || text.length > 64) return undefined;
  let seconds = 0;
  const rest = text.replaceAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g, (_, n: string, unit: string) => {
    seconds += Number(n) * (UNIT_SECONDS[unit] ?? 0);
    return '';
  });
  return rest === '' ? Math.floor(seconds) : undefined;
}

/**
 * external-dns's `gateway-hostname-source` on a route: `annotation-only` serves only the
 * `hostname` annotation's names, `defined-hosts-only` only `spec.hostnames`; otherwise both.
 */
export function hostnameSource(a: Annotations): 'both' | 'annotation-only' | 'defined-hosts-only' {
  const value = annotation(a, 'gateway-hostname-source')?.trim().toLowerCase();
  return value === 'annotation-only' || value === 'defined-hosts-only' ? value : 'both';
}

/** `Kind namespace/name`, how an object is named in the log and on /records. */
export const ownerOf = (kind: string, o: KubeObject): string => `${kind} ${keyOf(o)}`;
