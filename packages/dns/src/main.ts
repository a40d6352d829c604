// Horizon DNS: `node packages/dns/src/main.ts --config /etc/horizon/dns.yaml` (the image runs the
// compiled dist/main.js). The boot sequence is shared's runService; this file says what DNS is.
import { createGatewayApiSource, runService } from '@horizon/shared';
import { DnsConfigSchema } from './config.ts';
import { DNS_KINDS } from './kinds.ts';
import { createDnsService } from './service.ts';
import { parseDnsConfig } from './settings.ts';

await runService(
  {
    name: 'dns',
    schema: DnsConfigSchema,
    parse: parseDnsConfig,
    async build(settings, { logger, registry, readiness, env }) {
      const source = await createGatewayApiSource(settings.source, {
        logger,
        vars: env,
        kinds: DNS_KINDS,
        metrics: { registry, prefix: 'horizon_dns' },
      });
      const dns = createDnsService(settings, { logger, registry, source });
      readiness.add('index-synced', dns.ready);
      return {
        listen: () => dns.server.listen(),
        async start() {
          await source.start();
          dns.rebuild();
        },
        routes: dns.routes,
        steps: [
          { name: 'dns', close: () => dns.close() },
          { name: 'source', close: () => source.stop() },
        ],
      };
    },
  },
  process,
);
