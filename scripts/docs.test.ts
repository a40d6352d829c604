import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tables } from './docs.ts';

// Every README's config table is the one its schema generates (`./pnpmw docs:config` rewrites them).
it.each(Object.entries(tables))(
  'the %s README documents every config key as its schema defines it',
  (name, { readme, table }) => {
    const text = readFileSync(join(import.meta.dirname, '..', readme), 'utf8');
    const found = new RegExp(`<!-- config:${name} -->\\n([\\s\\S]*?)\\n<!-- /config:${name} -->`).exec(
      text,
    )?.[1];
    expect(found).toBe(table);
  },
);
