import { parseArgs } from 'node:util';

/** One flag of the demo: its default and one line on what it does (the usage text is built from these). */
interface Flag {
  type: 'string' | 'boolean';
  value?: string;
  default?: string;
  short?: string;
  help: string;
}

/** Every flag, once: parsing, defaults, the usage text and the "move it with" hints all read this. */
export const FLAGS = {
  manifests: {
    type: 'string',
    value: 'DIR',
    help: 'the manifest folder to serve (default deploy/examples)',
  },
  upstream: {
    type: 'string',
    value: 'IP[:PORT]',
    help: 'forward names outside the zone to this resolver (default: none, they get REFUSED)',
  },
  'dns-port': { type: 'string', value: 'PORT', default: '5300', help: 'Horizon DNS, UDP and TCP' },
  'ops-port': {
    type: 'string',
    value: 'PORT',
    default: '9153',
    help: 'Horizon DNS ops: the status page, /records, /metrics',
  },
  'auth-port': { type: 'string', value: 'PORT', default: '4180', help: 'Horizon auth (the checks)' },
  'auth-ops-port': {
    type: 'string',
    value: 'PORT',
    default: '9180',
    help: 'Horizon auth ops: /policies, /metrics',
  },
  'op-port': { type: 'string', value: 'PORT', default: '1411', help: 'the development OpenID Provider' },
  'gateway-port': {
    type: 'string',
    value: 'PORT',
    default: '8080',
    help: 'the Envoy-like gateway in front of the sample app',
  },
  'redis-port': {
    type: 'string',
    value: 'PORT',
    default: '6380',
    help: "Redis for Horizon auth's sessions and app passwords (when redis-server is installed)",
  },
  once: { type: 'boolean', help: 'print the hostname table and exit' },
  help: { type: 'boolean', short: 'h', help: 'print this text and exit' },
} satisfies Record<string, Flag>;

export type PortFlag =
  | 'dns-port'
  | 'ops-port'
  | 'auth-port'
  | 'auth-ops-port'
  | 'op-port'
  | 'gateway-port'
  | 'redis-port';

export interface DemoArgs {
  manifests: string | undefined;
  upstream: string | undefined;
  once: boolean;
  ports: Record<PortFlag, number>;
}

export function usage(): string {
  const rows = Object.entries(FLAGS as Record<string, Flag>).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.value ? ` ${f.value}` : ''}`;
    return `  ${left.padEnd(28)}${f.help}${f.default ? ` (default ${f.default})` : ''}`;
  });
  return `Usage: ./pnpmw demo [options]

Runs Horizon on loopback with embedded defaults: Horizon DNS over the manifest folder, and Horizon
auth with a development OpenID Provider and an Envoy-like gateway in front of a sample app.
Ctrl-C stops it all.

Options:
${rows.join('\n')}

Environment: SECRET_DOMAIN names the zone (default home.example.com); HORIZON_* settings go to
the service that knows them (see packages/dns/README.md and packages/authproxy/README.md).
`;
}

/** A command line the demo cannot take: the message, then the usage, exit 2. */
export class UsageError extends Error {}

export function parseDemoArgs(argv: readonly string[]): DemoArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  if (values.help) return 'help';
  const port = (name: PortFlag): number => {
    const text = String(values[name] ?? FLAGS[name].default);
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 65535)
      throw new UsageError(`--${name} ${text}: not a port (1-65535)`);
    return n;
  };
  const names = Object.keys(FLAGS).filter((f) => f.endsWith('-port')) as PortFlag[];
  const ports = Object.fromEntries(names.map((n) => [n, port(n)])) as Record<PortFlag, number>;
  const taken = new Map<number, PortFlag>();
  for (const n of names) {
    const other = taken.get(ports[n]);
    if (other) throw new UsageError(`--${n} and --${other} both name port ${ports[n]}`);
    taken.set(ports[n], n);
  }
  return {
    manifests: values.manifests as string | undefined,
    upstream: values.upstream as string | undefined,
    once: values.once === true,
    ports,
  };
}
