import { readFileSync } from 'node:fs';
import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { describeError, HorizonError } from '../errors.ts';
import { envVariables, readEnv } from './env.ts';
import { describeProblems } from './problems.ts';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** A YAML or JSON file (YAML is a superset of JSON); its keys are the schema's keys. */
  file?: string | undefined;
  /** The environment to read `HORIZON_...` variables from. Only `main.ts` passes process.env. */
  env?: NodeJS.ProcessEnv;
  /** Prefix of environment variables. Default `HORIZON_`. */
  envPrefix?: string;
  /** Values applied over the file and the environment (command-line flags). */
  overrides?: Record<string, unknown>;
}

/** The loaded config, frozen, and what the loader noticed on the way. */
export interface LoadedConfig<T> {
  config: T;
  /** Variables with the prefix that no key reads (typos, or Kubernetes service links). */
  unknownEnv: string[];
  /** Every variable name the schema reads (with `_FILE` variants), for "did you mean". */
  knownEnv: string[];
  /** Where each key set by the user came from: `file PATH` or `env NAME`. */
  sources: ReadonlyMap<string, string>;
}

/**
 * Loads a service's config: the schema's defaults, then the file, then the environment, then
 * overrides. Validation fails fast with the key, the problem, and where the bad value came from.
 * The result is deep-frozen: config is parsed once, at boot, and read-only after.
 */
export function loadConfig<S extends TSchema>(
  schema: S,
  options: LoadConfigOptions = {},
): LoadedConfig<Static<S>> {
  const prefix = options.envPrefix ?? 'HORIZON_';
  const sources = new Map<string, string>();
  const raw = options.file === undefined ? {} : readConfigFile(options.file);
  if (options.file !== undefined) markSources(raw, [], `file ${options.file}`, sources);

  const variables = envVariables(schema, prefix);
  const env = options.env ?? {};
  for (const { variable, value, source } of readEnv(variables, env)) {
    setPath(raw, variable.path, value);
    sources.set(variable.key, source);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    // A copy: the result is deep-frozen, and must not freeze the caller's arrays and objects.
    setPath(raw, key.split('.'), structuredClone(value));
    sources.set(key, 'command line');
  }

  const value = Value.Default(schema, raw);
  const errors = Value.Errors(schema, value);
  if (errors.length > 0) {
    const where = (key: string) => sourceOf(key, sources, options.file);
    const lines = describeProblems(schema, errors, where).slice(0, 10);
    throw new HorizonError('E_CONFIG_INVALID', `invalid config:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
  const knownEnv = variables.flatMap((v) => [v.name, `${v.name}_FILE`]);
  const known = new Set(knownEnv);
  const unknownEnv = Object.keys(env).filter((k) => k.startsWith(prefix) && !known.has(k));
  return { config: deepFreeze(value) as Static<S>, unknownEnv, knownEnv, sources };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeError(err);
    throw new HorizonError('E_CONFIG_FILE', `config: cannot read ${file}: ${why}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new HorizonError('E_CONFIG_FILE', `config: ${file} is not valid YAML: ${why}`, {
      cause: err,
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HorizonError('E_CONFIG_FILE', `config: ${file} must hold a mapping of keys`);
  }
  return parsed as Record<string, unknown>;
}

/** Where a key's value came from (`file PATH`, `env NAME`, `command line`), or the file it sits in. */
function sourceOf(key: string, sources: ReadonlyMap<string, string>, file?: string): string | undefined {
  for (let k = key; k !== ''; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') {
    const source = sources.get(k);
    if (source !== undefined) return source;
  }
  return file === undefined ? undefined : `file ${file}`;
}

function markSources(node: unknown, path: string[], source: string, out: Map<string, string>) {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    out.set(path.join('.'), source);
    return;
  }
  for (const [k, v] of Object.entries(node)) markSources(v, [...path, k], source, out);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
