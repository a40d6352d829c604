import {
  createGatewayApiSource,
  createLogger,
  describeError,
  type GatewayApiSnapshot,
} from '@horizon/shared';
import { checkHorizonDns, checkPublicNames, checkRouterForwards } from './checks/dns.ts';
import { checkProvider, checkRedirectUris } from './checks/provider.ts';
import { checkRoutes } from './checks/routes.ts';
import { checkSecurityPolicies } from './checks/security-policies.ts';
import { type DoctorArgs, parseDoctorArgs, usage } from './cli.ts';
import { parseServer } from './dns-query.ts';
import type { Finding } from './findings.ts';
import { type DoctorInputs, internalGateway, zoneOf } from './inputs.ts';
import { jsonReport, textReport } from './report.ts';

/** What the doctor needs from its process; main.ts passes process's, tests their own. */
export interface DoctorIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): void };
  fetch: typeof fetch;
}

/** Reads the cluster (or the folder) once: the kinds the checks look at. */
async function readObjects(args: DoctorArgs, io: DoctorIo): Promise<GatewayApiSnapshot> {
  // Errors only (a manifest that cannot be read says why); the findings are the output.
  const logger = createLogger(
    { level: 'error', format: 'auto' },
    { service: 'doctor', destination: io.stderr },
  );
  const source = await createGatewayApiSource(
    {
      manifests: args.manifests ?? '',
      kubeconfig: args.kubeconfig ?? '',
      context: args.context ?? '',
      namespace: '',
      labelSelector: '',
      watchTimeoutSeconds: 60,
      debounceMs: 0,
    },
    { logger, vars: io.env, kinds: ['gateways', 'httproutes', 'securitypolicies'] },
  );
  try {
    await source.start();
    if (!source.synced())
      throw new Error(
        args.manifests
          ? `cannot read the manifests in ${args.manifests}`
          : 'cannot list Gateways and HTTPRoutes through the kubeconfig',
      );
    return source.snapshot();
  } finally {
    await source.stop();
  }
}

/** The checks, in the order a person fixes things: DNS first, then routes, then auth. */
async function runChecks(i: DoctorInputs): Promise<Finding[]> {
  const provider = await checkProvider(i);
  return [
    ...(await checkHorizonDns(i)),
    ...(await checkRouterForwards(i)),
    ...(await checkPublicNames(i)),
    ...checkRoutes(i),
    ...checkSecurityPolicies(i),
    ...provider.findings,
    ...(await checkRedirectUris(i, provider.discovery)),
  ];
}

/** `horizon doctor`: returns the exit code (0 fine, 1 problems found, 2 a command line it cannot use). */
export async function doctor(argv: readonly string[], io: DoctorIo): Promise<number> {
  const args = parseDoctorArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`doctor: ${args}\n\n${usage()}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(usage());
    return 0;
  }
  const router = args.router === undefined ? undefined : parseServer(args.router);
  const horizon = args.dns === undefined ? undefined : parseServer(args.dns);
  if ((args.router && !router) || (args.dns && !horizon)) {
    io.stderr.write('doctor: --router and --dns take IP[:PORT]\n');
    return 2;
  }
  let snapshot: GatewayApiSnapshot;
  try {
    snapshot = await readObjects(args, io);
  } catch (err) {
    io.stderr.write(`doctor: ${describeError(err).replace(/^\w*Error: /, '')}\n`);
    return 1;
  }
  const gateway = args.gateway ?? 'network/internal';
  const inputs: DoctorInputs = {
    snapshot,
    fromManifests: args.manifests !== undefined,
    gateway,
    zone: '',
    router,
    horizon,
    issuer: args.issuer,
    clientId: args['client-id'],
    authService: args['auth-service'] ?? 'horizon-authproxy',
    callbackPath: args['callback-path'] ?? '/oauth2/callback',
    timeoutMs: Number(args['timeout-ms'] ?? 2000),
    fetch: io.fetch,
  };
  inputs.zone = (args.zone ?? zoneOf(internalGateway(inputs)) ?? '').toLowerCase().replace(/\.$/, '');
  if (inputs.zone === '') {
    io.stderr.write(`doctor: no zone: ${gateway} has no *.zone listener to take it from; give --zone\n`);
    return 2;
  }
  const findings = await runChecks(inputs);
  io.stdout.write(args.json ? jsonReport(findings) : textReport(findings));
  return findings.some((f) => f.status === 'fail') ? 1 : 0;
}
