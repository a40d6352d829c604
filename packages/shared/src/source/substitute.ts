import { HorizonError } from '../errors.ts';

// Flux's post-build substitution (as `flux envsubst --strict` runs it): ${VAR}, ${VAR:=default}
// and ${VAR:-default}; $${VAR} escapes to a literal ${VAR}. Names follow Flux's rule.
const PATTERN = /\$(\$?)\{([_a-zA-Z][_a-zA-Z0-9]*)(?::([=-])([^}]*))?\}/g;

/**
 * Replaces `${VAR}` in a manifest's text with values from `vars`. A variable with no value and no
 * default is an error that names it and the file: an empty hostname would be worse than none.
 */
export function substituteVariables(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
  file: string,
): string {
  return text.replace(PATTERN, (whole, escaped: string, name: string, op?: string, fallback?: string) => {
    if (escaped === '$') return whole.slice(1);
    const value = vars[name];
    if (value !== undefined && (value !== '' || op === undefined)) return value;
    if (op !== undefined) return fallback ?? '';
    throw new HorizonError('E_MANIFEST_SUBST', `${file}: \${${name}} has no value (set ${name})`);
  });
}
