/** DNS numbers used by Horizon (RFC 1035, 2782, 3596, 6891, 8482, 9460). */
export const TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  SVCB: 64,
  HTTPS: 65,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  CAA: 257,
} as const;

export const CLASS_IN = 1;

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** RFC 8945 §5.2: a TSIG this server cannot verify (with TSIG error BADKEY). */
  NOTAUTH: 9,
  /** Extended rcode 16 (RFC 6891 §9): the OPT version is not supported. */
  BADVERS: 16,
} as const;

export const RCODE_NAME: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  9: 'NOTAUTH',
  16: 'BADVERS',
};

export const TYPE_NAME: Record<number, string> = Object.fromEntries(
  Object.entries(TYPE).map(([k, v]) => [v, k]),
);

// Header flag bits, in the 16-bit flags word (bytes 2-3).
export const FLAG = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
} as const;

/** The UDP payload size we offer and cap answers at (DNS Flag Day 2020). */
export const EDNS_UDP_SIZE = 1232;
/** The UDP answer limit without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_SIZE = 512;
