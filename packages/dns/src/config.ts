import { sharedSections } from '@horizon/shared';
import Type, { type Static } from 'typebox';
import { TcpConfigSchema } from './tcp/config.ts';
import { DotConfigSchema, ForwardRulesSchema } from './upstream/config.ts';
import { RECORD_TYPES } from './wire/rdata.ts';

const Cidrs = (def: string[], description: string) =>
  Type.Array(Type.String(), { default: def, description });
const Upstreams = (description: string) =>
  Type.Array(Type.String(), {
    default: [],
    description: `${description} \`host\` or \`host:port\` (IPv6 as \`[addr]:port\`), or DNS over TLS as \`tls://host#name\` (port 853; \`name\` the one its certificate must carry).`,
  });

/** Private ranges, loopback and the Tailscale CGNAT range: LAN, tailnet and pods. */
export const PRIVATE_RANGES = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '::1/128',
  'fc00::/7',
];

export const DnsConfigSchema = Type.Object(
  {
    ...sharedSections(9153),
    listen: Type.Object(
      {
        addresses: Type.Array(Type.String(), {
          default: ['0.0.0.0', '::'],
          description: 'Addresses to serve UDP and TCP on.',
        }),
        port: Type.Integer({
          minimum: 0,
          maximum: 65535,
          default: 53,
          description: 'DNS port (UDP and TCP).',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    zones: Type.Array(Type.String(), {
      default: [],
      description:
        'Zones answered authoritatively, e.g. `home.example.com` (`${SECRET_DOMAIN}`). At least one.',
    }),
    nameserver: Type.Object(
      {
        name: Type.String({
          default: '',
          description: 'Name in the apex NS and SOA records. Empty: `ns.<first zone>`.',
        }),
        addresses: Type.Array(Type.String(), {
          default: [],
          description: 'Addresses answered for that name (the Service IP, e.g. 10.90.3.200).',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    gateways: Type.Array(
      Type.Object(
        {
          ref: Type.String({ description: '`namespace/name` of a Gateway whose routes are served.' }),
          addresses: Type.Array(Type.String(), {
            default: [],
            description: 'Override of the Gateway status addresses.',
          }),
        },
        { additionalProperties: false },
      ),
      {
        default: [{ ref: 'network/internal', addresses: [] }],
        description: 'Gateways whose HTTPRoutes are answered, highest priority first.',
      },
    ),
    routeStatus: Type.Union([Type.Literal('auto'), Type.Literal('require'), Type.Literal('ignore')], {
      default: 'auto',
      description:
        'Require `Accepted=True` in route status: `auto` requires it from the API and ignores it for manifests.',
    }),
    ttl: Type.Integer({
      minimum: 0,
      maximum: 86400,
      default: 30,
      description: 'TTL of answers from the index.',
    }),
    negativeTtl: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 30,
      description: 'SOA MINIMUM: how long NXDOMAIN/NODATA may be cached.',
    }),
    reverseZones: Type.Array(Type.String(), {
      default: [],
      description:
        'Reverse zones answered with PTR records for every address served (Gateways, Services, endpoints, static records), e.g. `3.90.10.in-addr.arpa`.',
    }),
    records: Type.Array(
      Type.Object(
        {
          name: Type.String({ description: 'The name, in any zone (`stanton-01.internal`).' }),
          type: Type.Union(
            RECORD_TYPES.map((t) => Type.Literal(t)),
            { default: 'A' },
          ),
          values: Type.Array(Type.String(), { description: 'Record data, one record each.' }),
          ttl: Type.Integer({ minimum: 0, maximum: 2147483647, default: 0, description: '0: `ttl`.' }),
          ptr: Type.Boolean({ default: true, description: 'Answer PTR for A and AAAA values.' }),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        description:
          'Static records for names no object carries, in any zone (`{name, type, values, ttl, ptr}`): A and AAAA values get PTR records. A name outside `zones` is answered as a hosts file would be, the rest of its domain forwarded.',
      },
    ),
    views: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          cidrs: Type.Array(Type.String()),
          addresses: Type.Record(Type.String(), Type.Array(Type.String()), { default: {} }),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        description:
          'Per client range, other Gateway addresses (`{name, cidrs, addresses: {ns/gw: [ip]}}`). First match wins.',
      },
    ),
    zoneMiss: Type.Object(
      {
        mode: Type.Union([Type.Literal('forward'), Type.Literal('nxdomain'), Type.Literal('gateway')], {
          default: 'forward',
          description:
            'A zone name with no route: `forward` it to the zone-miss upstreams (public DNS), answer `nxdomain`, or answer with the address of `zoneMiss.gateway` (the external gateway, reachable from the LAN without the tunnel).',
        }),
        gateway: Type.String({
          default: 'network/external',
          description: 'The Gateway whose address answers zone misses in mode `gateway`.',
        }),
        upstreams: Upstreams(
          'Resolvers for zone names with no route (a public resolver). Never the router that forwards the zone to us.',
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    zoneForwarders: Type.Array(Type.String(), {
      default: [],
      description:
        'Addresses of resolvers that forward our zones to Horizon (the UDM, e.g. 10.90.254.1). Zone misses are never sent to them: that would loop.',
    }),
    acl: Type.Object(
      {
        allow: Cidrs(
          PRIVATE_RANGES,
          'Client ranges answered at all; everyone else gets REFUSED (never an open resolver).',
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    forward: Type.Object(
      {
        upstreams: Upstreams('Resolvers for names outside the zones. Empty: such names get REFUSED.'),
        policy: Type.Union(
          [Type.Literal('sequential'), Type.Literal('random'), Type.Literal('round_robin')],
          {
            default: 'sequential',
            description: 'Which healthy upstream is tried first.',
          },
        ),
        timeoutMs: Type.Integer({
          minimum: 50,
          maximum: 30000,
          default: 2000,
          description: 'Per-attempt timeout.',
        }),
        maxInFlight: Type.Integer({
          minimum: 1,
          maximum: 100000,
          default: 2000,
          description: 'Forwards in flight at most; past it, SERVFAIL at once.',
        }),
        failuresBeforeDown: Type.Integer({
          minimum: 1,
          maximum: 100,
          default: 3,
          description: 'Consecutive failures that mark an upstream down until a probe succeeds.',
        }),
        rules: ForwardRulesSchema,
        tls: DotConfigSchema,
      },
      { default: {}, additionalProperties: false },
    ),
    cache: Type.Object(
      {
        size: Type.Integer({
          minimum: 0,
          maximum: 10000000,
          default: 10000,
          description: 'Forwarded answers kept at most (LRU). 0 disables the cache.',
        }),
        maxBytes: Type.Integer({
          minimum: 65536,
          maximum: 1073741824,
          default: 16777216,
          description:
            'Bytes of forwarded answers kept at most, all entries together (LRU): an upstream answering 64 KiB messages (over TCP or TLS) cannot make `size` entries take 10,000 x 64 KiB.',
        }),
        minTtl: Type.Integer({
          minimum: 0,
          maximum: 86400,
          default: 0,
          description: 'Lowest TTL an answer is cached for.',
        }),
        maxTtl: Type.Integer({
          minimum: 0,
          maximum: 604800,
          default: 86400,
          description: 'Highest TTL an answer is cached for.',
        }),
        servfailTtl: Type.Integer({
          minimum: 0,
          maximum: 5,
          default: 5,
          description: 'Seconds a SERVFAIL is cached (5 at most).',
        }),
        staleSeconds: Type.Integer({
          minimum: 0,
          maximum: 604800,
          default: 86400,
          description:
            'Serve an expired answer (TTL 30) for this long when every upstream fails (RFC 8767). 0: never.',
        }),
        staleReplyMs: Type.Integer({
          minimum: 0,
          maximum: 30000,
          default: 1800,
          description:
            'With an expired answer at hand (within `staleSeconds`), reply with it if the refresh has not answered in this long (RFC 8767 client-response timer); at once while every upstream is down or for 30 s after a failed refresh.',
        }),
        prefetchHits: Type.Integer({
          minimum: 0,
          maximum: 1000000,
          default: 5,
          description: 'Refresh an entry hit this often once 10% of its TTL is left. 0: never.',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    tcp: TcpConfigSchema,
  },
  { additionalProperties: false },
);

export type DnsConfig = Static<typeof DnsConfigSchema>;
