import { closest } from './suggest.ts';

/**
 * Kubernetes' service-link variables (`<SERVICE>_SERVICE_HOST`, `<SERVICE>_PORT_53_UDP_ADDR`, ...)
 * for a Service whose name starts with `horizon-`: they carry the prefix without being settings.
 */
const SERVICE_LINK =
  /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/;

/** One warning about environment variables that carry the prefix but name no setting. */
export interface UnknownEnvWarning {
  message: string;
  variables: string[];
  suggestion?: string;
}

/**
 * Warnings for prefixed variables no setting reads: a mistyped variable, named with the closest
 * known one; service links together in one line, with the setting that turns them off. Never an
 * error: Kubernetes injects service links the operator did not write.
 */
export function unknownEnvWarnings(
  unknown: readonly string[],
  known: readonly string[],
  prefix = 'HORIZON_',
): UnknownEnvWarning[] {
  // Compared without the prefix every name shares: HORIZON_FOO is not a typo of HORIZON_TTL.
  const bare = new Map(known.map((k) => [k.slice(prefix.length), k]));
  const nearest = (name: string) => bare.get(closest(name.slice(prefix.length), bare.keys()) ?? '');
  const links = unknown.filter((name) => SERVICE_LINK.test(name) && nearest(name) === undefined);
  const out: UnknownEnvWarning[] = [];
  for (const name of unknown) {
    if (links.includes(name)) continue;
    const suggestion = nearest(name);
    out.push({
      message: `${name} is not a setting, ignored${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      variables: [name],
      ...(suggestion ? { suggestion } : {}),
    });
  }
  if (links.length > 0) {
    out.push({
      message: `${links.length} Kubernetes service-link variable${links.length === 1 ? '' : 's'} ignored (enableServiceLinks: false in the pod spec turns them off)`,
      variables: links,
    });
  }
  return out;
}
