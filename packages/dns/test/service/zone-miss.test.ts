import { join } from 'node:path';
import { expect, it } from 'vitest';
import { testConfig } from '../basics.ts';
import { dig, startDns, status } from '../helpers.ts';

const examples = join(import.meta.dirname, '..', '..', '..', '..', 'deploy', 'examples');

it('zone-miss mode "gateway" answers names with no internal route with the external gateway address', async () => {
  const dns = await startDns(
    testConfig({
      'source.manifests': examples,
      'zoneMiss.mode': 'gateway',
      'zoneMiss.gateway': 'network/external',
    }),
    undefined,
    { SECRET_DOMAIN: 'home.example.com' },
  );
  try {
    expect((await dig(dns.port, ['+short', 'id.home.example.com'])).trim()).toBe('10.90.3.202'); // internal route wins
    expect((await dig(dns.port, ['+short', 'pdf.home.example.com'])).trim()).toBe('10.90.3.201'); // external only
    const aaaa = await dig(dns.port, ['pdf.home.example.com', 'AAAA']);
    expect(status(aaaa)).toBe('NOERROR');
    expect(aaaa).toMatch(/ANSWER: 0, AUTHORITY: 1/); // NODATA, never upstream
  } finally {
    await dns.stop();
  }
});
