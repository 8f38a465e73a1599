import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOC, renderApiOperations } from '../scripts/api-docs.ts';

describe('docs', () => {
  it('docs/api-operations.md lists exactly the registry (regenerate with node --import tsx scripts/api-docs.ts)', () => {
    expect(fs.readFileSync(API_DOC, 'utf8')).toBe(renderApiOperations());
  });
});
