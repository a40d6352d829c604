import { HorizonError } from '@horizon/shared';

/** Error codes of the DNS service (the shared ones are in @horizon/shared). */
export type DnsErrorCode =
  | 'E_UPSTREAM_TIMEOUT' // an upstream did not answer in time
  | 'E_UPSTREAM_SEND' // a query could not be sent (no route, connection refused)
  | 'E_UPSTREAM_MISMATCH' // a TCP or TLS reply did not answer the query, or was no DNS response
  | 'E_UPSTREAM_NO_ANSWER' // a TCP or TLS upstream closed the connection before a whole answer
  | 'E_UPSTREAM_RCODE' // an upstream answered SERVFAIL or REFUSED
  | 'E_UPSTREAM_TLS' // a DNS-over-TLS handshake failed (a certificate that does not verify or name the upstream)
  | 'E_UPSTREAM_BUSY' // too many queries already wait for a DNS-over-TLS connection
  | 'E_UPSTREAM_CLOSED' // the forwarder is shutting down
  | 'E_ALL_UPSTREAMS_FAILED'; // every upstream failed for one query

export type DnsError = HorizonError<DnsErrorCode>;

export const dnsError = (code: DnsErrorCode, message: string, cause?: unknown): DnsError =>
  new HorizonError(code, message, cause === undefined ? undefined : { cause });
