// Horizon auth: `node packages/authproxy/src/main.ts --config /etc/horizon/authproxy.yaml` (the
// image runs the compiled dist/main.js). The boot sequence is shared's runService; this file says
// what the auth service is.
import { createGatewayApiSource, runService } from '@horizon/shared';
import { buildApp } from './app.ts';
import { AuthConfigSchema } from './config.ts';
import { checkAuthConfig, parseAuthConfig } from './config-check.ts';

await runService(
  {
    name: 'authproxy',
    schema: AuthConfigSchema,
    check: checkAuthConfig,
    async build(loaded, { logger, registry, readiness, env }) {
      // The runner's check has just passed: parsing into the config the service runs on cannot fail.
      const config = parseAuthConfig(loaded);
      const source = config.routeAnnotations
        ? await createGatewayApiSource(config.source, {
            logger,
            vars: env,
            metrics: { registry, prefix: 'horizon_authproxy' },
          })
        : undefined;
      const { app, opsRoutes } = await buildApp(config, { logger, registry, source });
      // Ready once listening (and, with route annotations, once routes are synced). Not tied to
      // the provider: existing sessions must keep working while Pocket-ID is down.
      if (source) readiness.add('routes-synced', () => source.synced());
      return {
        listen: async () => {
          await app.listen({ host: config.listen.host, port: config.listen.port });
        },
        async start() {
          await source?.start();
          logger.info({ port: config.listen.port, store: config.session.store }, 'checking requests');
        },
        routes: opsRoutes,
        steps: [
          { name: 'checks', close: () => app.close() },
          ...(source ? [{ name: 'source', close: () => source.stop() }] : []),
        ],
      };
    },
  },
  process,
);
