import { AuthConfigSchema } from '@horizon/authproxy/config';
import { DnsConfigSchema } from '@horizon/dns/config';
import { envVariables, unknownEnvWarnings } from '@horizon/shared';

const names = (schema: Parameters<typeof envVariables>[0]) =>
  new Set(envVariables(schema, 'HORIZON_').flatMap((v) => [v.name, `${v.name}_FILE`]));

/**
 * The demo runs both services from one shell: each HORIZON_* variable goes to the service that
 * reads it (both, for the shared keys such as HORIZON_LOG_LEVEL), and one that neither reads is
 * reported here once, with the closest name, instead of as a warning from each service.
 */
export function splitEnv(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): { dns: NodeJS.ProcessEnv; auth: NodeJS.ProcessEnv } {
  const dnsNames = names(DnsConfigSchema);
  const authNames = names(AuthConfigSchema);
  const common: NodeJS.ProcessEnv = {};
  const dns: NodeJS.ProcessEnv = {};
  const auth: NodeJS.ProcessEnv = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('HORIZON_')) common[name] = value;
    else if (dnsNames.has(name) || authNames.has(name)) {
      if (dnsNames.has(name)) dns[name] = value;
      if (authNames.has(name)) auth[name] = value;
    } else unknown.push(name);
  }
  for (const w of unknownEnvWarnings(unknown, [...dnsNames, ...authNames])) warn(`demo: ${w.message}`);
  return { dns: { ...common, ...dns }, auth: { ...common, ...auth } };
}
