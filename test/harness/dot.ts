import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { dnsQuery } from './probes.ts';
import { type RunningProgram, startProgram } from './programs.ts';
import { removeScratch, scratchDir } from './scratch.ts';

/** A throwaway certificate authority and the certificates it signed, in a folder of their own. */
export interface TestPki {
  dir: string;
  /** The CA's certificate (PEM file), the one to trust. */
  caFile: string;
  ca: string;
  /** Each name's key and certificate files, and PEM text. */
  certs: Record<string, { keyFile: string; certFile: string; key: string; cert: string }>;
  /** Removes the folder, keys and all. */
  remove(): void;
}

/**
 * Makes a CA and, for each name, a server certificate it signed carrying that name (and, with
 * `ip`, that address too) in its subjectAltName. EC P-256 keys: a few milliseconds each. Nothing
 * is installed anywhere: whoever wants to trust it is given `caFile`.
 */
export function makeTestPki(names: readonly { name: string; ip?: string }[]): TestPki {
  const dir = scratchDir('pki');
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = (file: string) =>
    ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file);
  key('ca.key');
  ssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=Horizon test CA',
    '-days',
    '2',
    '-out',
    'ca.pem',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  );
  const certs: TestPki['certs'] = {};
  for (const { name, ip } of names) {
    key(`${name}.key`);
    ssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
    const extensions = join(dir, `${name}.ext`);
    writeFileSync(
      extensions,
      `subjectAltName=DNS:${name}${ip ? `,IP:${ip}` : ''}\nextendedKeyUsage=serverAuth\n`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      extensions,
      '-out',
      `${name}.pem`,
    );
    const keyFile = join(dir, `${name}.key`);
    const certFile = join(dir, `${name}.pem`);
    certs[name] = {
      keyFile,
      certFile,
      key: readFileSync(keyFile, 'utf8'),
      cert: readFileSync(certFile, 'utf8'),
    };
  }
  const caFile = join(dir, 'ca.pem');
  return { dir, caFile, ca: readFileSync(caFile, 'utf8'), certs, remove: () => removeScratch(dir) };
}

/** True once a DNS-over-TLS server on host:port answers a query (any answer), its certificate unchecked. */
export function dotAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('secureConnect', () => {
      const q = dnsQuery('probe.horizon.test');
      socket.write(Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]));
    });
    socket.once('data', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * unbound from Debian as a DNS-over-TLS resolver on loopback (`tls-service-key`/`tls-service-pem`,
 * RFC 7858 on `port`): answers `localData` (unbound `local-data` lines) and nothing else: the root
 * is a static local zone, so it never asks the Internet.
 */
export function startUnboundDot(
  o: { keyFile: string; certFile: string; localData: readonly string[]; extra?: readonly string[] },
  options: { host?: string; port?: number } = {},
): Promise<RunningProgram> {
  return startProgram(
    {
      name: 'unbound-dot',
      command: 'unbound',
      debianPackage: 'unbound',
      files: ({ dir, host, port }) => ({
        'unbound.conf': [
          'server:',
          `  interface: ${host}@${port}`,
          `  tls-port: ${port}`,
          `  tls-service-key: "${o.keyFile}"`,
          `  tls-service-pem: "${o.certFile}"`,
          '  do-daemonize: no',
          '  chroot: ""',
          '  username: ""',
          `  directory: "${dir}"`,
          '  pidfile: ""',
          '  use-syslog: no',
          '  logfile: ""',
          '  num-threads: 1',
          '  access-control: 127.0.0.0/8 allow',
          '  verbosity: 1',
          '  local-zone: "." static',
          ...o.localData.map((l) => `  local-data: "${l}"`),
          ...(o.extra ?? []).map((l) => `  ${l}`),
          '',
        ].join('\n'),
      }),
      args: ({ dir }) => ['-d', '-c', join(dir, 'unbound.conf')],
      ready: ({ host, port }) => dotAnswers(host, port),
    },
    options,
  );
}
