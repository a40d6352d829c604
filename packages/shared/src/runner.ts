import type { Static, TSchema } from 'typebox';
import { parseCommandLine } from './config/cli.ts';
import type { LogConfig, OpsConfig, ShutdownConfig } from './config/common.ts';
import { loadConfig } from './config/load.ts';
import { unknownEnvWarnings } from './config/unknown-env.ts';
import { describeError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetricsRegistry, type Registry } from './ops/metrics.ts';
import { createReadiness, type Readiness } from './ops/readiness.ts';
import { createOpsServer, type OpsRoute } from './ops/server.ts';
import { createShutdown, type ShutdownStep } from './shutdown.ts';

/**
 * The parts of Node's `process` a service's life needs (signals arrive through `on`); main.ts
 * passes `process` itself, tests an EventEmitter with the rest.
 */
export interface ServiceProcess extends Pick<NodeJS.EventEmitter, 'on' | 'off'> {
  /** Node's argv: the node binary, the script, then the service's arguments. */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: { isTTY?: boolean; write(text: string): unknown };
  stderr: { write(text: string): unknown };
  exit(code: number): void;
}

/** What every service's config has, whatever else its schema holds. */
interface BaseConfig {
  log: LogConfig;
  ops: OpsConfig;
  shutdown: ShutdownConfig;
}

/** What a service's build gets: the shared parts of its life, made once by the runner. */
export interface ServiceContext {
  logger: Logger;
  registry: Registry;
  readiness: Readiness;
  env: NodeJS.ProcessEnv;
}

/** A built service, not yet listening. */
export interface ServiceParts {
  /** Binds the service's ports; a failure here exits 1. */
  listen(): Promise<unknown>;
  /** What starts once listening (watches, the first index). */
  start?(): Promise<void>;
  /** Extra read-only routes on the ops port. */
  routes?: Record<string, OpsRoute>;
  /** Closed in order on shutdown, before the ops server. */
  steps: ShutdownStep[];
}

/**
 * A service, as its main.ts describes it to {@link runService}. `C` is the config as the service
 * uses it: what `parse` makes of the loaded one, or the loaded one itself.
 */
export interface ServiceDefinition<S extends TSchema, C = Static<S>> {
  /** `dns` or `authproxy`: the program is `horizon-<name>`, its logs and metrics say `service=<name>`. */
  name: string;
  schema: S;
  /** The checks beyond the schema; throws a HorizonError naming every key that is wrong. */
  check?(config: Static<S>): void;
  /**
   * The checks beyond the schema and the config parsed once, for the service to use as it is
   * (addresses compiled, names normalised): nothing after this step parses config text. Throws
   * as `check` does.
   */
  parse?(config: Static<S>): C;
  build(config: C, context: ServiceContext): Promise<ServiceParts>;
}

const usage = (program: string) =>
  `Usage: ${program} [--config FILE]\n\n` +
  'Every key of the config file can also be set as an environment variable (HORIZON_ and the key in\n' +
  'upper snake case; NAME_FILE reads it from a file). The package README lists each key.\n';

/**
 * The one boot sequence both services share: command line and config (exit 2 with one message on
 * any problem), warnings for HORIZON_* variables no setting reads, logger, metrics, readiness,
 * the service, the ops server, then graceful shutdown on SIGTERM/SIGINT (exit 1 if a port cannot
 * be bound). Exits only through `proc.exit`.
 */
export async function runService<S extends TSchema, C = Static<S>>(
  def: ServiceDefinition<S, C>,
  proc: ServiceProcess,
): Promise<void> {
  const program = `horizon-${def.name}`;
  let loaded: ReturnType<typeof loadConfig<S>>;
  let settings: C;
  try {
    const { configFile, flags } = parseCommandLine(proc.argv.slice(2), {
      help: { type: 'boolean', description: 'print the usage and exit' },
    });
    if (flags.help) {
      proc.stdout.write(usage(program));
      return proc.exit(0);
    }
    loaded = loadConfig(def.schema, { file: configFile, env: proc.env });
    def.check?.(loaded.config);
    settings = def.parse ? def.parse(loaded.config) : (loaded.config as C);
  } catch (err) {
    proc.stderr.write(`${program}: ${describeError(err).replace(/^HorizonError: /, '')}\n`);
    return proc.exit(2);
  }
  const config = loaded.config as Static<S> & BaseConfig;
  const logger = createLogger(config.log, { service: def.name, isTty: proc.stdout.isTTY === true });
  for (const w of unknownEnvWarnings(loaded.unknownEnv, loaded.knownEnv)) {
    logger.warn({ variables: w.variables, suggestion: w.suggestion }, w.message);
  }
  const registry = createMetricsRegistry(def.name);
  const readiness = createReadiness();
  const parts = await def.build(settings, { logger, registry, readiness, env: proc.env });
  const ops = createOpsServer({ ...config.ops, readiness, registry, logger, routes: parts.routes ?? {} });
  try {
    await parts.listen();
    await ops.listen();
  } catch (err) {
    logger.fatal({ err }, 'cannot listen');
    return proc.exit(1);
  }
  await parts.start?.();
  createShutdown({
    readiness,
    lameDuckMs: config.shutdown.lameDuckSeconds * 1000,
    logger,
    signals: proc,
    exit: (code) => proc.exit(code),
    steps: [...parts.steps, { name: 'ops', close: () => ops.close() }],
  });
}
