// `./pnpmw docs:config`: rewrites the config tables between `<!-- config:NAME -->` markers in the package
// READMEs from the schemas themselves. A test fails when a README and its schema disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference, sharedSections } from '@horizon/shared';
import Type from 'typebox';

const root = join(import.meta.dirname, '..');
const { ops: _ops, ...shared } = sharedSections(0);
const tables: Record<string, { readme: string; table: string }> = {
  shared: { readme: 'packages/shared/README.md', table: configReference(Type.Object(shared)) },
};
for (const [name, { readme, table }] of Object.entries(tables)) {
  const path = join(root, readme);
  const text = readFileSync(path, 'utf8');
  const marker = new RegExp(`(<!-- config:${name} -->\\n)[\\s\\S]*?(\\n<!-- /config:${name} -->)`);
  if (!marker.test(text)) throw new Error(`${readme}: no config:${name} markers`);
  writeFileSync(
    path,
    text.replace(marker, (_, open: string, close: string) => `${open}${table}${close}`),
  );
  console.log(`${readme}: config:${name} table written`);
}
