import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** How Horizon speaks DNS over TLS to every `tls://` upstream (`forward.tls`), checked at start. */
export interface DotSettings {
  /** PEM of the CAs from `caFile`, trusted beside the default roots (tls.ts); undefined: the default roots only. */
  ca: readonly string[] | undefined;
  /** Connections to one DoT upstream at most. */
  connections: number;
  /** Queries in flight on one connection at most (RFC 7766 §6.2.1.1 pipelining). */
  pipeline: number;
  /** A connection with nothing in flight for this long is closed. */
  idleTimeoutMs: number;
}

/** The `forward.tls` section as settings: the CA file read and checked once (every problem to `fail`). */
export function parseDot(
  c: { caFile: string; connections: number; pipeline: number; idleTimeoutMs: number },
  fail: (message: string) => void,
): DotSettings {
  const settings = {
    connections: c.connections,
    pipeline: c.pipeline,
    idleTimeoutMs: c.idleTimeoutMs,
    ca: undefined,
  };
  if (c.caFile === '') return settings;
  let pem: string;
  try {
    pem = readFileSync(c.caFile, 'utf8');
  } catch (err) {
    fail(`forward.tls.caFile: cannot read ${c.caFile} (${(err as NodeJS.ErrnoException).code ?? err})`);
    return settings;
  }
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  try {
    if (certificates.length === 0) throw new Error('no certificate in it');
    createSecureContext({ ca: certificates });
  } catch (err) {
    fail(`forward.tls.caFile: ${c.caFile} is not a PEM file of CA certificates (${(err as Error).message})`);
    return settings;
  }
  return { ...settings, ca: certificates };
}
