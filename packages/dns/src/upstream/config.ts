import Type from 'typebox';

/**
 * `forward.rules`: conditional forwarding (forwarding.ts parses and checks it, routing.ts matches
 * it). The README's "Forwarding" section says how it meets the zone-miss and general pools.
 */
export const ForwardRulesSchema = Type.Array(
  Type.Object(
    {
      domains: Type.Array(Type.String(), {
        description: 'DNS names (`internal`), or CIDRs for their reverse zones (`10.90.0.0/16`).',
      }),
      upstreams: Type.Array(Type.String(), { description: 'Resolvers, written as in forward.upstreams.' }),
    },
    { additionalProperties: false },
  ),
  {
    default: [],
    description:
      "Conditional forwarding, `[{domains, upstreams}]`: a name outside our zones goes to the rule of its longest matching domain (e.g. `internal` and the LAN's reverse zone to the UDM), else to `forward.upstreams`.",
  },
);

/**
 * `forward.tls`: DNS over TLS to every `tls://` upstream (tls.ts, tls-connection.ts). The README's
 * "Limits" table says what happens past each bound.
 */
export const DotConfigSchema = Type.Object(
  {
    caFile: Type.String({
      default: '',
      description:
        "PEM file of CAs a DNS-over-TLS upstream's certificate may chain to (a private resolver's CA), trusted beside Node's bundled Mozilla roots and the system's store.",
    }),
    connections: Type.Integer({
      minimum: 1,
      maximum: 64,
      default: 2,
      description:
        'Connections to one DNS-over-TLS upstream at most; a new one opens only when every open one has `pipeline` queries in flight.',
    }),
    pipeline: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 100,
      description:
        'Queries in flight on one DNS-over-TLS connection at most (RFC 7766 pipelining); past it on every connection, queries wait their turn within their timeout.',
    }),
    idleTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 600000,
      default: 10000,
      description: 'Close a DNS-over-TLS connection with nothing in flight for this long.',
    }),
  },
  { default: {}, additionalProperties: false },
);
