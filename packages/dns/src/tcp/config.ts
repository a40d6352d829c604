import Type from 'typebox';

/**
 * The `tcp` section: the limits of the TCP front (front.ts, connection.ts, admission.ts, budget.ts).
 * The README's "Limits" table says what happens past each.
 */
export const TcpConfigSchema = Type.Object(
  {
    idleTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 600000,
      default: 10000,
      description:
        'Close a TCP connection that owes no answer and has sent no whole query (or taken no answer) for this long. Partial messages do not count.',
    }),
    frameTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 60000,
      default: 2000,
      description:
        'Time a TCP client has to send a whole message once its first byte arrived; past it, closed.',
    }),
    pipeline: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 16,
      description:
        'Queries of one TCP connection answered at once; past it (or while the client does not read its answers) the connection is not read.',
    }),
    maxConnections: Type.Integer({
      minimum: 1,
      maximum: 100000,
      default: 512,
      description:
        'Open TCP connections at most; past it, a new one replaces the longest-idle one, or is closed if none is idle.',
    }),
    maxConnectionsPerClient: Type.Integer({
      minimum: 1,
      maximum: 100000,
      default: 32,
      description:
        'Open TCP connections per client address (per /64 for IPv6) at most; past it, as for `maxConnections` among its own.',
    }),
    maxUnsentBytes: Type.Integer({
      minimum: 65536,
      maximum: 1073741824,
      default: 4194304,
      description:
        'Answer bytes written to TCP clients and not yet read by them, across all connections, at most; past it, a connection that is behind is closed.',
    }),
  },
  { default: {}, additionalProperties: false },
);
