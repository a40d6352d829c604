// What the unit tests share: settings, loggers, metric reading. Nothing here starts a server,
// so a unit test file loads only the modules it tests (helpers.ts has the servers and programs).
import { Writable } from 'node:stream';
import { createLogger, type Logger, loadConfig, type Registry } from '@horizon/shared';
import { DnsConfigSchema } from '../src/config.ts';
import { type DnsSettings, parseDnsConfig } from '../src/settings.ts';

export const logger: Logger = createLogger({ level: 'silent', format: 'json' }, { service: 'test' });

/** A logger whose JSON lines a test reads (`lines`, parsed, in order). */
export function captureLogger(level: 'info' | 'debug' = 'info') {
  const lines: { level: string; msg: string; [field: string]: unknown }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ level, format: 'json' }, { service: 'test', destination }) };
}

/** Settings for tests: loopback only, port 0, explicit (loopback) upstreams or none. */
export function testConfig(overrides: Record<string, unknown> = {}): DnsSettings {
  const { config } = loadConfig(DnsConfigSchema, {
    overrides: {
      'listen.addresses': ['127.0.0.1', '::1'],
      'listen.port': 0,
      zones: ['home.example.com'],
      'zoneMiss.mode': 'nxdomain',
      'acl.allow': ['127.0.0.0/8', '::1/128'],
      'forward.timeoutMs': 300,
      ...overrides,
    },
  });
  return parseDnsConfig(config);
}

/** The sum of a metric's series (those with all of `labels`, when given). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  // A histogram's _count, _sum and _bucket series sit under the histogram's own name.
  const base = name.replace(/_(count|sum|bucket)$/, '');
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name || x.name === base);
  const values = (m?.values ?? []) as {
    value: number;
    labels: Record<string, string | number>;
    metricName?: string;
  }[];
  const wanted = Object.entries(labels);
  return values
    .filter((v) => m?.name === name || v.metricName === name)
    .filter((v) => wanted.every(([k, l]) => String(v.labels[k]) === l))
    .reduce((a, v) => a + v.value, 0);
}
