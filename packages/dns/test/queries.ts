import { encodeName } from '../src/wire/name.ts';
import { parseQuery, type Query } from '../src/wire/query.ts';

/** A parsed query for unit tests of handlers: `name`, type, class, from `client` over UDP. */
export function queryOf(
  name: string,
  type = 1,
  klass = 1,
  o: { client?: string; id?: number; flags?: number } = {},
): Query {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(o.id ?? 7, 0);
  header.writeUInt16BE(o.flags ?? 0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(klass, 2);
  const q = parseQuery(
    Buffer.concat([header, encodeName(name), tail]),
    { address: o.client ?? '127.0.0.1', port: 5353 },
    'udp',
  );
  if ('kind' in q) throw new Error(`not a query: ${name}`);
  return q;
}
