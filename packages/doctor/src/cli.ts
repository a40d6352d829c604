import { parseArgs } from 'node:util';

const OPTIONS = {
  kubeconfig: {
    type: 'string',
    value: 'FILE',
    help: 'read the cluster through this kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)',
  },
  context: { type: 'string', value: 'NAME', help: 'a context of the kubeconfig (default: its current one)' },
  manifests: {
    type: 'string',
    value: 'DIR',
    help: 'read a manifest folder instead of a cluster (${VAR} from the environment)',
  },
  router: {
    type: 'string',
    value: 'IP[:PORT]',
    help: 'the router LAN clients ask (the UDM, e.g. 10.90.254.1)',
  },
  dns: { type: 'string', value: 'IP[:PORT]', help: "Horizon DNS's address (e.g. 10.90.3.200)" },
  zone: { type: 'string', value: 'NAME', help: "the zone (default: the internal Gateway's *.zone listener)" },
  gateway: { type: 'string', value: 'NS/NAME', help: 'the internal Gateway (default network/internal)' },
  'auth-service': {
    type: 'string',
    value: 'NAME',
    help: "Horizon auth's Service as SecurityPolicies name it (default horizon-authproxy)",
  },
  issuer: { type: 'string', value: 'URL', help: "the OIDC provider's issuer, as Horizon auth's oidc.issuer" },
  'client-id': {
    type: 'string',
    value: 'ID',
    help: "Horizon auth's client at the provider (for the redirect URI check)",
  },
  'callback-path': { type: 'string', value: 'PATH', help: 'the callback path (default /oauth2/callback)' },
  'timeout-ms': { type: 'string', value: 'MS', help: 'per question and request (default 2000)' },
  json: { type: 'boolean', help: 'print the findings as JSON, for scripts' },
  help: { type: 'boolean', short: 'h', help: 'print this text' },
} as const;

export type DoctorArgs = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

export function usage(): string {
  const rows = Object.entries(OPTIONS).map(([name, o]) => {
    const value = 'value' in o ? ` ${o.value}` : '';
    return `  --${name}${value}`.padEnd(30) + o.help;
  });
  return `Usage: ./pnpmw doctor [options]

Checks a Horizon set-up end to end and says what to fix: Horizon DNS answers its zone, the router
forwards it (no stale record, no loop), names without an internal route resolve publicly, every
HTTPRoute on the internal Gateway is Accepted, each SecurityPolicy asking Horizon auth sends what it
needs, the provider's discovery and issuer, the redirect URIs. Exit 1 when anything is wrong.

Options:
${rows.join('\n')}
`;
}

/** The command line, or a message for the user (exit 2). */
export function parseDoctorArgs(argv: readonly string[]): DoctorArgs | string {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    });
    return values as DoctorArgs;
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'bad arguments';
  }
}
