import { describe, expect, it } from 'vitest';
import { parseAuthority } from '../../src/request/host.ts';

describe('a Host as the request names its app', () => {
  it.each([
    ['pdf.localhost', 'https', 'pdf.localhost', 'pdf.localhost'],
    ['PDF.Example.COM:8443', 'https', 'pdf.example.com:8443', 'pdf.example.com'],
    ['pdf.example.com:443', 'https', 'pdf.example.com', 'pdf.example.com'],
    ['pdf.example.com:80', 'http', 'pdf.example.com', 'pdf.example.com'],
    ['pdf.example.com:80', 'https', 'pdf.example.com:80', 'pdf.example.com'],
    ['127.0.0.1:8080', 'http', '127.0.0.1:8080', '127.0.0.1'],
    ['[::1]:8080', 'http', '[::1]:8080', '[::1]'],
    ['my_host.lan', 'http', 'my_host.lan', 'my_host.lan'],
  ] as const)('Host %s (%s) is %s, hostname %s', (value, scheme, host, hostname) => {
    expect(parseAuthority(value, scheme)).toEqual({ host, hostname });
  });

  it.each([
    'pdf.localhost:8080@evil.example',
    'user@pdf.localhost',
    'pdf.localhost/x',
    'pdf.localhost evil',
    'pdf.localhost, evil.example',
    'pdf.localhost.',
    'pdf.localhost:',
    'pdf.localhost:0',
    'pdf.localhost:65536',
    '-pdf.localhost',
    '[::1',
    '[not-v6]',
    '',
    'é.example',
  ])('Host %j is no plain host', (value) => {
    expect(parseAuthority(value, 'https')).toBeUndefined();
  });
});
