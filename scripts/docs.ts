// `./pnpmw docs:config`: rewrites the config tables between `<!-- config:NAME -->` markers in the package
// READMEs from the schemas themselves. A test fails when a README and its schema disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthConfigSchema } from '@horizon/authproxy/config';
import { DnsConfigSchema } from '@horizon/dns/config';
import { configReference, sharedSections } from '@horizon/shared';
import Type from 'typebox';

const root = join(import.meta.dirname, '..');
const { ops: _ops, ...shared } = sharedSections(0);
const sharedKeys = new Set(Object.keys(sharedSections(0)));
/** A service's own keys: its schema without the shared sections (documented once, in shared). */
const own = (schema: { properties: Record<string, unknown> }) =>
  Type.Object(
    Object.fromEntries(Object.entries(schema.properties).filter(([k]) => !sharedKeys.has(k))) as never,
  );
export const tables: Record<string, { readme: string; table: string }> = {
  shared: { readme: 'packages/shared/README.md', table: configReference(Type.Object(shared)) },
  dns: { readme: 'packages/dns/README.md', table: configReference(own(DnsConfigSchema)) },
  authproxy: { readme: 'packages/authproxy/README.md', table: configReference(own(AuthConfigSchema)) },
};
if (import.meta.main) writeTables();

function writeTables(): void {
  for (const [name, { readme, table }] of Object.entries(tables)) {
    const path = join(root, readme);
    const text = readFileSync(path, 'utf8');
    const marker = new RegExp(`(<!-- config:${name} -->\\n)[\\s\\S]*?(<!-- /config:${name} -->)`);
    if (!marker.test(text)) throw new Error(`${readme}: no config:${name} markers`);
    writeFileSync(
      path,
      text.replace(marker, (_, open: string, close: string) => `${open}${table}\n${close}`),
    );
    console.log(`${readme}: config:${name} table written`);
  }
}
