/**
 * Domain names: dotted text <-> wire. Horizon keeps names lower-case and without the final dot;
 * the root is ''. A label holding a '.' or a '\' byte is escaped, so it can never be mistaken for
 * two labels when looked up.
 */

/** A name as Horizon keeps it: lower case, without the final dot (`Home.Example.COM.` -> `home.example.com`). */
export const normalName = (text: string): string => text.toLowerCase().replace(/\.$/, '');

/** One label of a name given in config: letters, digits, `-` and `_` (SRV-style), 1-63 of them, no `-` at either end. */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * True for a normalised name a zone or host in config may have (RFC 1035 §2.3.1's preferred
 * syntax, with `_`): 253 characters at most. Names on the wire may hold any byte; names we are
 * told to serve must be ones a resolver can ask for.
 */
export const isDnsName = (name: string): boolean =>
  name.length > 0 && name.length <= 253 && name.split('.').every((label) => LABEL.test(label));

/** Wire form of a dotted name (no compression). Throws RangeError on an invalid name. */
export function encodeName(name: string): Buffer {
  const labels = name === '' ? [] : name.split('.');
  const parts: Buffer[] = [];
  let length = 1;
  for (const label of labels) {
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length === 0 || bytes.length > 63) throw new RangeError(`invalid label in "${name}"`);
    parts.push(Buffer.from([bytes.length]), bytes);
    length += bytes.length + 1;
  }
  if (length > 255) throw new RangeError(`name too long: "${name}"`);
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** A name read from a message, and the offset just after it where it sits. */
export interface ReadName {
  name: string;
  end: number;
}

/**
 * Walks a possibly compressed name at `offset`, calling `label` with each label's start and length.
 * Returns the offset just after the name where it sits, or -1 when it is malformed: a pointer that
 * does not go backwards (RFC 1035 §4.1.4 in practice; this also forbids loops), a label past the
 * end, an obsolete 0x40/0x80 label type, or more than 255 bytes.
 */
function walkName(buf: Buffer, offset: number, label: (start: number, len: number) => void): number {
  let pos = offset;
  let end = -1;
  let total = 0;
  for (let jumps = 0; jumps < 64; ) {
    if (pos >= buf.length) return -1;
    const len = buf[pos] ?? 0;
    if (len === 0) return end === -1 ? pos + 1 : end;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) return -1;
      const target = ((len & 0x3f) << 8) | (buf[pos + 1] ?? 0);
      if (end === -1) end = pos + 2;
      if (target >= pos) return -1;
      pos = target;
      jumps += 1;
      continue;
    }
    if ((len & 0xc0) !== 0 || pos + 1 + len > buf.length) return -1;
    total += len + 1;
    if (total > 255) return -1;
    label(pos + 1, len);
    pos += len + 1;
  }
  return -1;
}

/** Reads a possibly compressed name at `offset`, lower-cased; null when malformed (see walkName). */
export function readName(buf: Buffer, offset: number): ReadName | null {
  let name = '';
  const end = walkName(buf, offset, (start, len) => {
    name += (name === '' ? '' : '.') + labelText(buf, start, len);
  });
  return end < 0 ? null : { name, end };
}

/** A possibly compressed name at `offset` in uncompressed wire form (case kept), to copy it into another message. */
export function nameWire(buf: Buffer, offset: number): { wire: Buffer; end: number } | null {
  const parts: Buffer[] = [];
  const end = walkName(buf, offset, (start, len) => parts.push(buf.subarray(start - 1, start + len)));
  return end < 0 ? null : { wire: Buffer.concat([...parts, Buffer.from([0])]), end };
}

/** One label as lower-case text; '.' and '\' inside it are escaped. ASCII case only (RFC 4343). */
export function labelText(buf: Buffer, start: number, len: number): string {
  let out = '';
  for (let i = start; i < start + len; i += 1) {
    let c = buf[i] ?? 0;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c === 0x2e || c === 0x5c) out += '\\';
    out += String.fromCharCode(c);
  }
  return out;
}
