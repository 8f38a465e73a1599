import type { TSchema } from '@sinclair/typebox';
import type { Operation } from './operation.ts';

/** Strip TypeBox's symbol keys so the schema is plain JSON. */
function plain(schema: TSchema | undefined): unknown {
  return schema === undefined ? undefined : JSON.parse(JSON.stringify(schema));
}

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

const falconEnvelope = (resource: unknown) => ({
  type: 'object',
  required: ['meta', 'resources', 'errors'],
  properties: {
    meta: {
      type: 'object',
      properties: {
        query_time: { type: 'number' },
        powered_by: { type: 'string' },
        trace_id: { type: 'string' },
        pagination: {
          type: 'object',
          properties: { offset: {}, limit: { type: 'integer' }, total: { type: 'integer' } },
        },
        writes: { type: 'object', properties: { resources_affected: { type: 'integer' } } },
      },
    },
    resources: resource === undefined ? {} : { type: 'array', items: resource },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' } } },
    },
  },
});

/** OpenAPI 3.0 document generated from the operation registry. */
export function toOpenApi(operations: readonly Operation[], serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters: unknown[] = [];
    for (const [where, obj] of [
      ['path', op.params],
      ['query', op.query],
    ] as const) {
      if (!obj) continue;
      const required = new Set(obj.required ?? []);
      for (const [name, schema] of Object.entries(obj.properties)) {
        const s = plain(schema as TSchema) as Record<string, unknown>;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || required.has(name),
          schema: s,
          ...(s.type === 'array' ? { style: 'form', explode: true } : {}),
        });
      }
    }
    let requestBody: unknown;
    if (op.body) {
      requestBody = { required: true, content: { 'application/json': { schema: plain(op.body) } } };
    } else if (op.form) {
      const schema = plain(op.form) as Record<string, any>;
      for (const f of op.files ?? []) schema.properties[f] = { type: 'string', format: 'binary' };
      requestBody = {
        content: {
          [op.files?.length ? 'multipart/form-data' : 'application/x-www-form-urlencoded']: { schema },
        },
      };
    }
    const success = op.produces
      ? { description: 'OK', content: { [op.produces]: { schema: { type: 'string', format: 'binary' } } } }
      : {
          description: 'OK',
          content: {
            'application/json': { schema: op.dialect === 'falcon' ? falconEnvelope(plain(op.response)) : plain(op.response) ?? {} },
          },
        };
    const p = toOpenApiPath(op.path);
    paths[p] ??= {};
    paths[p][op.method.toLowerCase()] = {
      operationId: op.operationId,
      tags: [op.collection],
      summary: op.summary,
      ...(op.scope ? { security: [op.dialect === 'carbonblack' ? { cbApiKey: [] } : { oauth2: [op.scope] }], 'x-riposte-scope': op.scope } : {}),
      parameters,
      ...(requestBody ? { requestBody } : {}),
      responses: { [String(op.successStatus)]: success },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'riposte', version: '0.1.0', description: 'Falcon- and Carbon Black-compatible live-response API' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth2/token', scopes: {} } } },
        // Carbon Black Cloud: `X-Auth-Token: {api_secret}/{api_id}`.
        cbApiKey: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
      },
    },
    paths,
  };
}
