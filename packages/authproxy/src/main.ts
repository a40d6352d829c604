// Horizon auth: `node packages/authproxy/src/main.ts --config /etc/horizon/authproxy.yaml`.
// The only place that reads process.env, handles signals and decides to exit.
import {
  createGatewayApiSource,
  createLogger,
  createMetricsRegistry,
  createOpsServer,
  createReadiness,
  createShutdown,
  describeError,
  loadConfig,
  parseCommandLine,
} from '@horizon/shared';
import { buildApp } from './app.ts';
import { type AuthConfig, AuthConfigSchema } from './config.ts';
import { checkAuthConfig } from './config-check.ts';

let config: AuthConfig;
try {
  const { configFile } = parseCommandLine(process.argv.slice(2));
  config = loadConfig(AuthConfigSchema, { file: configFile, env: process.env }).config;
  checkAuthConfig(config);
} catch (err) {
  process.stderr.write(`horizon-authproxy: ${describeError(err).replace(/^HorizonError: /, '')}\n`);
  process.exit(2);
}

const logger = createLogger(config.log, { service: 'authproxy', isTty: process.stdout.isTTY });
const registry = createMetricsRegistry('authproxy');
const readiness = createReadiness();
const source = config.routeAnnotations
  ? await createGatewayApiSource(config.source, {
      logger,
      vars: process.env,
      metrics: { registry, prefix: 'horizon_authproxy' },
    })
  : undefined;
const { app, opsRoutes } = await buildApp(config, { logger, registry, source });
// Ready once listening (and, with route annotations, once routes are synced). Not tied to the
// provider: existing sessions must keep working while Pocket-ID is down.
if (source) readiness.add('routes-synced', () => source.synced());
const ops = createOpsServer({
  host: config.ops.host,
  port: config.ops.port,
  readiness,
  registry,
  logger,
  routes: opsRoutes,
});

try {
  await app.listen({ host: config.listen.host, port: config.listen.port });
  await ops.listen();
} catch (err) {
  logger.fatal({ err }, 'cannot listen');
  process.exit(1);
}
await source?.start();
logger.info({ port: config.listen.port, store: config.session.store }, 'checking requests');
createShutdown({
  readiness,
  lameDuckMs: config.shutdown.lameDuckSeconds * 1000,
  logger,
  signals: process,
  exit: (code) => process.exit(code),
  steps: [
    { name: 'checks', close: () => app.close() },
    ...(source ? [{ name: 'source', close: () => source.stop() }] : []),
    { name: 'ops', close: () => ops.close() },
  ],
});
