import { AuthConfigSchema } from '@horizon/authproxy/config';
import { DnsConfigSchema } from '@horizon/dns/config';
import { type EnvVariable, envVariables, unknownEnvWarnings } from '@horizon/shared';

const DNS = envVariables(DnsConfigSchema, 'HORIZON_');
const AUTH = envVariables(AuthConfigSchema, 'HORIZON_');
const names = (vars: EnvVariable[]) => new Set(vars.flatMap((v) => [v.name, `${v.name}_FILE`]));

/** Where the user sets what the demo sets itself: its flags, or SECRET_DOMAIN. */
const HOW: Record<string, string> = {
  'listen.port': '--dns-port and --auth-port',
  'listen.addresses': 'nothing: the demo listens on loopback only',
  'listen.host': 'nothing: the demo listens on loopback only',
  'ops.port': '--ops-port and --auth-ops-port',
  'ops.host': 'nothing: the demo listens on loopback only',
  'source.manifests': '--manifests',
  zones: 'SECRET_DOMAIN',
  'forward.upstreams': '--upstream',
  'zoneMiss.mode': '--upstream',
  'zoneMiss.upstreams': '--upstream',
};

/** Dotted paths of a config object's leaves (arrays are leaves, as in the schema's variables). */
function leaves(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? leaves(v, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

/**
 * The demo runs both services from one shell: each HORIZON_* variable goes to the service that
 * reads it (both, for keys they share such as HORIZON_LOG_LEVEL). Three kinds are not passed on:
 * - one for a key the demo's own configs set (a variable would beat the config file and move a
 *   listener or the provider behind the demo's back): an error naming the flag to use instead;
 * - one that neither service reads: a warning with the closest name, once here rather than once
 *   per service.
 */
export function splitEnv(
  env: NodeJS.ProcessEnv,
  configs: { dns: object; auth: object },
  warn: (line: string) => void,
): { dns: NodeJS.ProcessEnv; auth: NodeJS.ProcessEnv; refused: string[] } {
  const owned = new Map<string, string>();
  for (const [vars, config] of [
    [DNS, configs.dns],
    [AUTH, configs.auth],
  ] as const) {
    const keys = new Set(leaves(config));
    for (const v of vars)
      if (keys.has(v.key)) for (const n of [v.name, `${v.name}_FILE`]) owned.set(n, v.key);
  }
  const dnsNames = names(DNS);
  const authNames = names(AUTH);
  const out = { dns: {} as NodeJS.ProcessEnv, auth: {} as NodeJS.ProcessEnv, refused: [] as string[] };
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const key = owned.get(name);
    if (!name.startsWith('HORIZON_')) {
      out.dns[name] = value;
      out.auth[name] = value;
    } else if (key !== undefined) {
      const how =
        HOW[key] ??
        "nothing: it is one of the demo's embedded defaults (run ./pnpmw dns or ./pnpmw authproxy to choose it)";
      out.refused.push(`demo: ${name} would override ${key}, which the demo sets itself; use ${how}`);
    } else if (dnsNames.has(name) || authNames.has(name)) {
      if (dnsNames.has(name)) out.dns[name] = value;
      if (authNames.has(name)) out.auth[name] = value;
    } else unknown.push(name);
  }
  for (const w of unknownEnvWarnings(unknown, [...dnsNames, ...authNames])) warn(`demo: ${w.message}`);
  return out;
}
