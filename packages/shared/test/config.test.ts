import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Type from 'typebox';
import { afterAll, describe, expect, it } from 'vitest';
import { envVariables, hasCode, loadConfig, parseCommandLine, sharedSections } from '../src/index.ts';

const Schema = Type.Object(
  {
    ...sharedSections(9153),
    zones: Type.Array(Type.String(), { default: [] }),
    secret: Type.String({ default: '' }),
  },
  { additionalProperties: false },
);

const tmp = mkdtempSync(join(tmpdir(), 'horizon-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};
const errorOf = (fn: () => unknown): Error & { code?: string } => {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected an error');
};

describe('loadConfig', () => {
  it('applies defaults, then the file, then the environment, then overrides, and freezes the result', () => {
    const path = file('a.yaml', 'log:\n  level: debug\nops:\n  port: 1000\nzones: [a.example]\n');
    const { config, sources } = loadConfig(Schema, {
      file: path,
      env: { HORIZON_OPS_PORT: '2000', HORIZON_ZONES: 'x.example, y.example' },
      overrides: { 'source.manifests': '/m' },
    });
    expect(config.log).toEqual({ level: 'debug', format: 'auto' });
    expect(config.ops).toEqual({ host: '0.0.0.0', port: 2000 });
    expect(config.zones).toEqual(['x.example', 'y.example']);
    expect(config.source.manifests).toBe('/m');
    expect(config.shutdown.lameDuckSeconds).toBe(5);
    expect(sources.get('ops.port')).toBe('env HORIZON_OPS_PORT');
    expect(sources.get('log.level')).toBe(`file ${path}`);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.ops)).toBe(true);
    expect(() => {
      (config.ops as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('names the key, the problem and where the value came from', () => {
    const path = file('b.yaml', 'ops:\n  port: 70000\nsource:\n  namspace: x\n');
    const err = errorOf(() => loadConfig(Schema, { file: path }));
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.message).toContain(`ops.port: must be <= 65535 (from file ${path})`);
    expect(err.message).toContain(
      `unknown key "source.namspace" in ${path} (did you mean "source.namespace"?)`,
    );
    const envErr = errorOf(() => loadConfig(Schema, { env: { HORIZON_LOG_LEVEL: 'loud' } }));
    expect(envErr.message).toContain('log.level');
    expect(envErr.message).toContain('env HORIZON_LOG_LEVEL');
  });

  it('says an unknown key once, with its file and the closest known key, and nothing of the schema', () => {
    const path = file('c.yaml', 'ttll: 5\nzones: [a.example]\nlog: { levl: debug }\n');
    const err = errorOf(() => loadConfig(Schema, { file: path }));
    expect(err.message).toBe(
      `invalid config:\n  unknown key "ttll" in ${path}\n  unknown key "log.levl" in ${path} (did you mean "log.level"?)`,
    );
    expect(err.message).not.toContain('schema is false');
    expect(err.message).not.toContain('additional properties');
  });

  it('refuses a variable that cannot be parsed, naming it', () => {
    const err = errorOf(() => loadConfig(Schema, { env: { HORIZON_OPS_PORT: 'eighty' } }));
    expect(hasCode(err, 'E_CONFIG_ENV')).toBe(true);
    expect(err.message).toContain('HORIZON_OPS_PORT');
    expect(err.message).toContain('"eighty" is not a number');
  });

  it('reads secrets from NAME_FILE, without the trailing newline, and refuses both forms at once', () => {
    const secret = file('secret', 's3cret\n');
    expect(loadConfig(Schema, { env: { HORIZON_SECRET_FILE: secret } }).config.secret).toBe('s3cret');
    const both = errorOf(() =>
      loadConfig(Schema, { env: { HORIZON_SECRET_FILE: secret, HORIZON_SECRET: 'x' } }),
    );
    expect(both.message).toContain('not both');
    const missing = errorOf(() => loadConfig(Schema, { env: { HORIZON_SECRET_FILE: join(tmp, 'nope') } }));
    expect(missing.message).toMatch(/cannot read .*: no such file$/);
  });

  it('fails clearly on an unreadable or malformed file', () => {
    expect(errorOf(() => loadConfig(Schema, { file: join(tmp, 'missing.yaml') })).code).toBe('E_CONFIG_FILE');
    const bad = file('bad.yaml', 'log: [unclosed\n');
    expect(errorOf(() => loadConfig(Schema, { file: bad })).message).toContain(bad);
    const list = file('list.yaml', '- a\n- b\n');
    expect(errorOf(() => loadConfig(Schema, { file: list })).message).toContain('mapping');
  });

  it('reports prefixed variables that no key reads, such as Kubernetes service links', () => {
    const { unknownEnv } = loadConfig(Schema, {
      env: { HORIZON_DNS_PORT: 'udp://10.0.0.1:53', HORIZON_LOG_LEVEL: 'warn', OTHER: '1' },
    });
    expect(unknownEnv).toEqual(['HORIZON_DNS_PORT']);
  });

  it('derives one variable per leaf key, with a _FILE form for every key', () => {
    const names = envVariables(Schema, 'HORIZON_').map((v) => v.name);
    expect(names).toContain('HORIZON_SOURCE_WATCH_TIMEOUT_SECONDS');
    expect(names).toContain('HORIZON_SHUTDOWN_LAME_DUCK_SECONDS');
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('parseCommandLine', () => {
  it('reads --config and declared flags, and refuses unknown ones', () => {
    expect(parseCommandLine(['--config', '/etc/h.yaml'])).toEqual({ configFile: '/etc/h.yaml', flags: {} });
    expect(
      parseCommandLine(['--config=/x.yaml', '--upstream', '127.0.0.1:53'], {
        upstream: { type: 'string', description: '' },
      }),
    ).toEqual({
      configFile: '/x.yaml',
      flags: { upstream: '127.0.0.1:53' },
    });
    expect(parseCommandLine([])).toEqual({ configFile: undefined, flags: {} });
    expect(() => parseCommandLine(['--confg', 'x'])).toThrow(/confg.*known: --config FILE/s);
  });
});
