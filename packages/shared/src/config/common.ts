import Type, { type Static } from 'typebox';

/** Config sections both services share. Each service composes them into its own schema. */

export const LogSchema = Type.Object(
  {
    level: Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { default: 'info', description: 'Lowest level logged.' },
    ),
    format: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
      default: 'auto',
      description: 'auto: human-readable on a terminal, JSON lines otherwise.',
    }),
  },
  { default: {}, additionalProperties: false },
);
export type LogConfig = Static<typeof LogSchema>;

/** The ops HTTP server (/healthz, /readyz, /metrics). The port differs per service. */
export const opsSchema = (defaultPort: number) =>
  Type.Object(
    {
      host: Type.String({ default: '0.0.0.0', description: 'Address the ops server binds.' }),
      port: Type.Integer({
        minimum: 0,
        maximum: 65535,
        default: defaultPort,
        description: 'Port of /healthz, /readyz and /metrics (0 picks a free port).',
      }),
    },
    { default: {}, additionalProperties: false },
  );
export type OpsConfig = Static<ReturnType<typeof opsSchema>>;

export const ShutdownSchema = Type.Object(
  {
    lameDuckSeconds: Type.Number({
      minimum: 0,
      maximum: 300,
      default: 5,
      description:
        'After SIGTERM: seconds to keep serving while reported not ready, so load balancers move away.',
    }),
  },
  { default: {}, additionalProperties: false },
);
export type ShutdownConfig = Static<typeof ShutdownSchema>;

export const SourceSchema = Type.Object(
  {
    manifests: Type.String({
      default: '',
      description:
        'A folder of Gateway API manifests (YAML) to read instead of the Kubernetes API. Empty: use the API.',
    }),
    namespace: Type.String({
      default: '',
      description: 'Watch one namespace only. Empty: all namespaces.',
    }),
    labelSelector: Type.String({
      default: '',
      description:
        'Only objects matching this label selector (e.g. `horizon.io/dns=true`); Namespaces, read for their labels, are always read whole.',
    }),
    kubeconfig: Type.String({
      default: '',
      description:
        'Path of a kubeconfig. Empty: $KUBECONFIG, else ~/.kube/config, else the in-cluster service account.',
    }),
    context: Type.String({ default: '', description: 'kubeconfig context. Empty: the current one.' }),
    watchTimeoutSeconds: Type.Integer({
      minimum: 10,
      maximum: 3600,
      default: 300,
      description:
        'timeoutSeconds asked of each watch (jittered up to 2x, as client-go does); a watch silent past it plus 30 s is dropped as half-open.',
    }),
    debounceMs: Type.Integer({
      minimum: 0,
      maximum: 5000,
      default: 100,
      description: 'Changes within this window make one notification (one index rebuild).',
    }),
  },
  { default: {}, additionalProperties: false },
);
export type SourceConfig = Static<typeof SourceSchema>;

/** The sections every service's config has, for `Type.Object({ ...sharedSections(port), ... })`. */
export const sharedSections = (opsPort: number) => ({
  log: LogSchema,
  ops: opsSchema(opsPort),
  shutdown: ShutdownSchema,
  source: SourceSchema,
});
