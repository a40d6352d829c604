// Horizon DNS: `node packages/dns/src/main.ts --config /etc/horizon/dns.yaml`.
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
import { type DnsConfig, DnsConfigSchema } from './config.ts';
import { checkDnsConfig } from './config-check.ts';
import { createDnsService } from './service.ts';

let config: DnsConfig;
try {
  const { configFile } = parseCommandLine(process.argv.slice(2));
  config = loadConfig(DnsConfigSchema, { file: configFile, env: process.env }).config;
  checkDnsConfig(config);
} catch (err) {
  process.stderr.write(`horizon-dns: ${describeError(err).replace(/^HorizonError: /, '')}\n`);
  process.exit(2);
}

const logger = createLogger(config.log, { service: 'dns', isTty: process.stdout.isTTY });
const registry = createMetricsRegistry('dns');
const readiness = createReadiness();
const source = await createGatewayApiSource(config.source, {
  logger,
  vars: process.env,
  metrics: { registry, prefix: 'horizon_dns' },
});
const dns = createDnsService(config, { logger, registry, source });
readiness.add('index-synced', dns.ready);
const ops = createOpsServer({
  host: config.ops.host,
  port: config.ops.port,
  readiness,
  registry,
  logger,
  routes: dns.routes,
});

try {
  await dns.server.listen();
  await ops.listen();
} catch (err) {
  logger.fatal({ err }, 'cannot listen');
  process.exit(1);
}
await source.start();
dns.rebuild();
createShutdown({
  readiness,
  lameDuckMs: config.shutdown.lameDuckSeconds * 1000,
  logger,
  signals: process,
  exit: (code) => process.exit(code),
  steps: [
    { name: 'dns', close: () => dns.close() },
    { name: 'source', close: () => source.stop() },
    { name: 'ops', close: () => ops.close() },
  ],
});
