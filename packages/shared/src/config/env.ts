import { readFileSync } from 'node:fs';
import type { TSchema } from 'typebox';
import { describeError, HorizonError } from '../errors.ts';

/** One environment variable a config schema accepts, derived from the schema's leaf keys. */
export interface EnvVariable {
  /** Dotted path of the config key, e.g. `watch.timeoutSeconds`. */
  key: string;
  /** The key's path as segments. */
  path: readonly string[];
  /** Variable name, e.g. `HORIZON_WATCH_TIMEOUT_SECONDS`. A `_FILE` variant exists for strings. */
  name: string;
  /** How the text of the variable is read. */
  kind: 'string' | 'number' | 'boolean' | 'list' | 'json';
  /** The leaf's schema, for documentation (default, description). */
  schema: Record<string, unknown>;
}

const toSnake = (segment: string): string => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function kindOf(schema: Record<string, unknown>): EnvVariable['kind'] {
  const type = schema.type;
  if (type === 'string' || isStringLiteralUnion(schema)) return 'string';
  if (type === 'integer' || type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'array') {
    const items = schema.items as Record<string, unknown> | undefined;
    return items?.type === 'string' ? 'list' : 'json';
  }
  return 'json';
}

function isStringLiteralUnion(schema: Record<string, unknown>): boolean {
  const anyOf = schema.anyOf as Record<string, unknown>[] | undefined;
  return Array.isArray(anyOf) && anyOf.every((s) => typeof s.const === 'string');
}

/**
 * Every environment variable the schema accepts, one per leaf key: objects with fixed properties
 * are walked, anything else (scalars, lists, maps) is a leaf. Names never collide: a collision is
 * a schema bug and throws at start.
 */
export function envVariables(schema: TSchema, prefix: string): EnvVariable[] {
  const out: EnvVariable[] = [];
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
    if (node.type === 'object' && properties && path.length < 8) {
      for (const [name, child] of Object.entries(properties)) walk(child, [...path, name]);
      return;
    }
    const name = prefix + path.map(toSnake).join('_');
    out.push({ key: path.join('.'), path, name, kind: kindOf(node), schema: node });
  };
  walk(schema as unknown as Record<string, unknown>, []);
  const seen = new Set<string>();
  for (const v of out) {
    if (seen.has(v.name)) throw new Error(`config schema: two keys map to ${v.name}`);
    seen.add(v.name);
  }
  return out;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Parses the text of one variable by its kind; throws E_CONFIG_ENV naming the variable. */
export function parseEnvValue(variable: EnvVariable, text: string, source: string): unknown {
  const fail = (why: string, cause?: unknown): never => {
    throw new HorizonError('E_CONFIG_ENV', `config: ${source} (key ${variable.key}): ${why}`, {
      cause,
    });
  };
  switch (variable.kind) {
    case 'string':
      return text;
    case 'number': {
      const n = Number(text.trim());
      return text.trim() === '' || Number.isNaN(n) ? fail(`"${text}" is not a number`) : n;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (TRUE.has(t)) return true;
      if (FALSE.has(t)) return false;
      return fail(`"${text}" is not a boolean (use true or false)`);
    }
    case 'list':
      if (text.trim().startsWith('[')) return parseJson(text, fail);
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'json':
      return parseJson(text, fail);
  }
}

function parseJson(text: string, fail: (why: string, cause?: unknown) => never): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    return fail('is not valid JSON', err);
  }
}

/** A value found in the environment, with where it came from (for error messages). */
export interface EnvValue {
  variable: EnvVariable;
  value: unknown;
  source: string;
}

/**
 * Reads every variable of the schema from `env`. `NAME_FILE` reads the value from a file, as
 * Kubernetes mounts Secrets; the file's trailing newline is dropped. Setting both is an error.
 */
export function readEnv(variables: readonly EnvVariable[], env: NodeJS.ProcessEnv): EnvValue[] {
  const found: EnvValue[] = [];
  for (const variable of variables) {
    const direct = env[variable.name];
    const file = env[`${variable.name}_FILE`];
    if (direct !== undefined && file !== undefined) {
      throw new HorizonError(
        'E_CONFIG_ENV',
        `config: set ${variable.name} or ${variable.name}_FILE, not both`,
      );
    }
    if (direct !== undefined) {
      const source = `env ${variable.name}`;
      found.push({ variable, value: parseEnvValue(variable, direct, source), source });
    } else if (file !== undefined) {
      const source = `env ${variable.name}_FILE=${file}`;
      let text: string;
      try {
        text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeError(err);
        throw new HorizonError('E_CONFIG_ENV', `config: ${source}: cannot read the file: ${why}`, {
          cause: err,
        });
      }
      found.push({ variable, value: parseEnvValue(variable, text, source), source });
    }
  }
  return found;
}
