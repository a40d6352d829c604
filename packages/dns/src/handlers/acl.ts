import { Counter } from 'prom-client';
import type { AddressMatcher } from '../settings.ts';
import { RCODE } from '../wire/constants.ts';
import { errorMessage } from '../wire/response.ts';
import type { Handler, Setup } from './types.ts';

/**
 * `matches` with each address's verdict remembered: a resolver sees few distinct clients, and the
 * ACL runs on every query (acl) and every answer (RA). Bounded: cleared when it holds 4,096.
 */
export function rememberVerdicts(matches: AddressMatcher): AddressMatcher {
  const verdicts = new Map<string, boolean>();
  return (address) => {
    let v = verdicts.get(address);
    if (v === undefined) {
      if (verdicts.size >= 4096) verdicts.clear();
      v = matches(address);
      verdicts.set(address, v);
    }
    return v;
  };
}

/**
 * Only clients `allowed` get answers; everyone else gets REFUSED, for every name. Horizon serves
 * the LAN, the tailnet and the pods; it is never an open resolver.
 */
export function createAcl(options: {
  allowed: (address: string) => boolean;
  onRefused?: () => void;
}): Handler {
  return (q, next) => {
    if (options.allowed(q.client.address)) return next(q);
    options.onRefused?.();
    return errorMessage(q, RCODE.REFUSED);
  };
}

/** The ACL of `acl.allow`, counted in horizon_dns_acl_refused_total. */
export const setupAcl: Setup = ({ settings, registry }) => {
  const refused = new Counter({
    name: 'horizon_dns_acl_refused_total',
    help: 'Requests refused because the client is outside the allowed ranges.',
    registers: [registry],
  });
  return createAcl({ allowed: rememberVerdicts(settings.acl.allow), onRefused: () => refused.inc() });
};
