import { parseArgs } from 'node:util';
import { HorizonError } from '../errors.ts';

/** What a service's command line says: its config file, and flags a service adds. */
export interface CommandLine {
  configFile: string | undefined;
  flags: Record<string, string | boolean | undefined>;
}

/**
 * Reads `--config FILE` (or `--config=FILE`) and the service's own flags from argv. Unknown flags
 * are an error: a mistyped flag silently ignored is a config the operator did not mean.
 */
export function parseCommandLine(
  argv: readonly string[],
  extra: Record<string, { type: 'string' | 'boolean'; description: string }> = {},
): CommandLine {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string', short: 'c' }, ...extra },
      strict: true,
      allowPositionals: false,
    });
    const { config, ...flags } = values as Record<string, string | boolean | undefined>;
    return { configFile: typeof config === 'string' ? config : undefined, flags };
  } catch (err) {
    const known = ['--config FILE', ...Object.keys(extra).map((k) => `--${k}`)].join(', ');
    throw new HorizonError('E_CONFIG_INVALID', `${(err as Error).message} (known: ${known})`, { cause: err });
  }
}
