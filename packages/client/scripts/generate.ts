// Writes packages/client/src/generated.ts from the operation registry:
// `node --import tsx packages/client/scripts/generate.ts`. A test fails when the file is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { arrayQueryParams, operations, type Operation } from '@riposte/spec';

/** The operations an API client calls: the Falcon dialect and the operational endpoints (not the agents' own). */
// The console's own endpoints (sign-in, static files) are for browsers, not for API clients.
export const clientOperations = (): Operation[] => operations.filter((op) => (op.dialect === 'falcon' || op.dialect === 'internal') && op.collection !== 'Console');

/** `RTR_ExecuteCommand` → `rtrExecuteCommand`, `GetOnlineState_V1` → `getOnlineStateV1`. */
export function methodName(operationId: string): string {
  const words = operationId.split(/[_\W]+/).filter(Boolean);
  const first = (w: string) => (/^[A-Z]+$/.test(w) ? w.toLowerCase() : w.replace(/^[A-Z]+(?=[A-Z][a-z])|^[A-Z]/, (caps) => caps.toLowerCase()));
  return words.map((w, i) => (i === 0 ? first(w) : w[0].toUpperCase() + w.slice(1))).join('');
}

const ident = /^[A-Za-z_$][\w$]*$/;
const key = (k: string) => (ident.test(k) ? k : JSON.stringify(k));

/** A TypeScript type for a JSON schema built with TypeBox (the subset the registry uses). */
export function tsType(schema: TSchema | undefined, indent = ''): string {
  if (!schema) return 'unknown';
  const s = schema as Record<string, any>;
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) return [...new Set((s.anyOf ?? s.oneOf).map((x: TSchema) => tsType(x, indent)))].join(' | ');
  if (Array.isArray(s.allOf)) return s.allOf.map((x: TSchema) => tsType(x, indent)).join(' & ');
  if (Array.isArray(s.type)) return s.type.map((t: string) => tsType({ ...s, type: t } as unknown as TSchema, indent)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = tsType(s.items, indent);
      return /[ |&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object': {
      const inner = indent + '  ';
      const required = new Set<string>(s.required ?? []);
      const lines = Object.entries((s.properties ?? {}) as Record<string, TSchema>).map(([k, v]) => `${inner}${key(k)}${required.has(k) ? '' : '?'}: ${tsType(v, inner)};`);
      const extra = s.patternProperties ? Object.values(s.patternProperties as Record<string, TSchema>)[0] : s.additionalProperties;
      if (extra && extra !== false) lines.push(`${inner}[key: string]: ${extra === true ? 'unknown' : 'unknown /* ' + tsType(extra as TSchema).replace(/\s+/g, ' ') + ' */'};`);
      else if (s.additionalProperties === undefined && !s.properties) lines.push(`${inner}[key: string]: unknown;`);
      return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '{}';
    }
    default:
      return 'unknown';
  }
}

const hasRequired = (s: TSchema | undefined) => !!s && Array.isArray((s as any).required) && (s as any).required.length > 0;

/** The whole generated module, as text. */
export function renderClient(): string {
  const ops = clientOperations();
  const out: string[] = [
    '// Generated from the operation registry (packages/spec) by `node --import tsx packages/client/scripts/generate.ts`.',
    '// Do not edit: a test fails when this file and the registry disagree.',
    "import type { CallOptions, Envelope, OperationSpec } from './types.ts';",
    '',
    '/** Method, path and shape of every operation, by operationId. */',
    'export const OPERATIONS = {',
  ];
  for (const op of ops) {
    const spec: Record<string, unknown> = { method: op.method, path: op.path, scope: op.scope };
    const arrays = arrayQueryParams(op);
    if (arrays.length) spec.arrayQuery = arrays;
    if (op.files?.length) spec.files = op.files;
    if (op.produces) spec.produces = op.produces;
    if (op.dialect === 'internal') spec.raw = true;
    if (op.collection === 'Oauth2') spec.bare = true;
    out.push(`  ${op.operationId}: ${JSON.stringify(spec)},`);
  }
  out.push('} satisfies Record<string, OperationSpec>;', '', 'export type OperationId = keyof typeof OPERATIONS;', '');

  for (const op of ops) {
    const fields: string[] = [];
    if (op.query) fields.push(`  query${hasRequired(op.query) ? '' : '?'}: ${tsType(op.query, '  ')};`);
    if (op.body) fields.push(`  body${op.method === 'GET' ? '?' : ''}: ${tsType(op.body, '  ')};`);
    if (op.form) fields.push(`  form${hasRequired(op.form) ? '' : '?'}: ${tsType(op.form, '  ')};`);
    if (op.files?.length) fields.push(`  files?: { ${op.files.map((f) => `${key(f)}?: Blob`).join('; ')} };`);
    out.push(`/** Input of ${op.operationId}. */`, `export interface ${op.operationId}Input {`, ...fields, '}');
    out.push(`/** One resource of ${op.operationId}'s answer. */`, `export type ${op.operationId}Resource = ${tsType(op.response)};`, '');
  }

  const names = ops.map((op) => methodName(op.operationId));
  if (new Set(names).size !== names.length) throw new Error('two operations map to the same method name');
  out.push('/** Every operation as a method named after its operationId. */', 'export abstract class GeneratedOperations {');
  out.push('  protected abstract call(operationId: OperationId, input: object, options?: CallOptions): Promise<any>;', '');
  for (const op of ops) {
    const required = hasRequired(op.query) || (op.body && op.method !== 'GET') || hasRequired(op.form);
    // OAuth2 answers its fields at the top level, not in an envelope.
    const result = op.produces || op.dialect === 'internal' ? 'Response' : op.collection === 'Oauth2' ? `${op.operationId}Resource` : `Envelope<${op.operationId}Resource>`;
    out.push(
      `  /** ${op.operationId} (${op.method} ${op.path}${op.scope ? `, ${op.scope}` : ''}): ${op.summary.replace(/\*\//g, '* /')} */`,
      `  ${methodName(op.operationId)}(input${required ? '' : '?'}: ${op.operationId}Input, options?: CallOptions): Promise<${result}> {`,
      `    return this.call('${op.operationId}', input ?? {}, options);`,
      '  }',
    );
  }
  out.push('}', '');
  return out.join('\n');
}

export const GENERATED_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'generated.ts');

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.writeFileSync(GENERATED_FILE, renderClient());
  console.log(`wrote ${GENERATED_FILE}`);
}
