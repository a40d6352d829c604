import { isIP } from 'node:net';

/**
 * The client's address as the front reports it, from `X-Forwarded-For` (RFC 7239 4's list
 * form, whose entries each proxy appends to): Envoy appends the address its connection came from
 * before it asks the check (Envoy Gateway's default, `use_remote_address`), so does nginx's
 * `$proxy_add_x_forwarded_for` in the README's recipe, and Caddy sets it to the client it saw.
 * The last entry is therefore the front's own peer, and every entry left of it is what the client
 * or proxies before the front wrote. With `trustedHops` proxies in front of the gateway (Envoy
 * Gateway's ClientTrafficPolicy `numTrustedHops`; a load balancer or tunnel in front of Caddy),
 * the client is the entry that many places left of the last, exactly as Envoy picks it
 * (`xff_num_trusted_hops`). Fewer entries than that, or an entry that is not a plain IP
 * address: undefined, and no client network rule matches. Nothing else a client can write
 * (`Forwarded`, `X-Real-IP`, `True-Client-IP`) is ever read.
 */
export function clientAddress(forwardedFor: string | undefined, trustedHops: number): string | undefined {
  if (forwardedFor === undefined) return undefined;
  let end = forwardedFor.length;
  for (let skip = trustedHops; skip > 0; skip -= 1) {
    end = forwardedFor.lastIndexOf(',', end - 1);
    if (end < 0) return undefined;
  }
  const entry = forwardedFor.slice(forwardedFor.lastIndexOf(',', end - 1) + 1, end).trim();
  return isIP(entry) !== 0 ? entry : undefined;
}
