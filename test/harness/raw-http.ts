import { connect } from 'node:net';

/** One raw HTTP/1.1 exchange, as an attacker's client writes it. */
export interface RawRequest {
  /** Loopback port to connect to (127.0.0.1). */
  port: number;
  method?: string;
  /** The request-target exactly as written on the request line (absolute-form, `#`, `\` and all). */
  target: string;
  /** Header lines in order; names as written. A Host header is not added for you. */
  headers: [string, string][];
  body?: string;
  /** The loopback address to send from (a "LAN" client is 127.0.1.x). Default: the system's choice, 127.0.0.1. */
  from?: string;
}

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated ones (Set-Cookie) as arrays. */
  headers: Record<string, string | string[]>;
  body: string;
}

/**
 * Sends one request over a fresh connection with `Connection: close` and reads the answer to
 * the end. Node's and fetch's clients normalize or refuse request-targets (`..`, `\`,
 * absolute-form with another Host); attacks need the bytes as written. Loopback only.
 */
export function rawRequest(r: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const lines = [
    `${r.method ?? 'GET'} ${r.target} HTTP/1.1`,
    ...r.headers.map(([k, v]) => `${k}: ${v}`),
    ...(r.body === undefined ? [] : [`Content-Length: ${Buffer.byteLength(r.body)}`]),
    'Connection: close',
  ];
  return new Promise((resolve, reject) => {
    if (r.from !== undefined && !r.from.startsWith('127.'))
      throw new Error(`raw request: ${r.from} is not loopback`);
    const socket = connect({ host: '127.0.0.1', port: r.port, localAddress: r.from });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`raw request: no answer in ${timeoutMs} ms`)),
    );
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${r.body ?? ''}`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function parse(raw: Buffer): RawResponse {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`raw request: no complete answer (${raw.length} bytes)`);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = headers[name];
    headers[name] = had === undefined ? value : [...[had].flat(), value];
  }
  let body = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  if (String(headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked') body = unchunk(body);
  return { status, headers, body: body.toString('utf8') };
}

function unchunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}
