// Writes docs/api-operations.md from the operation registry: `node --import tsx scripts/api-docs.ts`.
// A test fails when the file is out of date, so the table always says what the server serves.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { operations } from '@riposte/spec';

export function renderApiOperations(): string {
  const lines = [
    '# API operations',
    '',
    'Generated from the operation registry (`packages/spec`) by `node --import tsx scripts/api-docs.ts`; do not edit by hand.',
    'Every row is a route the server serves; `/openapi.json` has the full schemas.',
    '',
    '| dialect | collection | operationId | method | path | scope |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const op of operations) {
    lines.push(`| ${op.dialect} | ${op.collection} | ${op.operationId} | ${op.method} | \`${op.path}\` | ${op.scope ?? '—'} |`);
  }
  return lines.join('\n') + '\n';
}

export const API_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'api-operations.md');

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.writeFileSync(API_DOC, renderApiOperations());
  console.log(`wrote ${API_DOC}`);
}
