import type { TSchema } from 'typebox';
import { envVariables } from './env.ts';

/**
 * A Markdown table of every config key of `schema`: key, default, environment variable and
 * description. Package READMEs embed it between `<!-- config:NAME -->` markers, and a test checks
 * that they match, so the documentation cannot drift from the schema.
 */
export function configReference(schema: TSchema, prefix = 'HORIZON_'): string {
  const rows = envVariables(schema, prefix).map((v) => {
    const def = v.schema.default;
    const shown = def === undefined ? '(required)' : def === '' ? '""' : JSON.stringify(def);
    const description = String(v.schema.description ?? '').replaceAll('|', '\\|');
    return `| \`${v.key}\` | \`${shown}\` | \`${v.name}\` | ${description} |`;
  });
  return ['| Key | Default | Environment | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
