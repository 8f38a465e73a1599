import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentNode, ExecutionResult } from 'graphql';
import { getOperationAST, GraphQLError, isCompiledQuery } from './graphql.ts';
import { getOperation } from '@riposte/spec';
import { ServiceError, type Core } from '@riposte/core';
import { identitySchema } from './schema.ts';
import { rootValue } from './resolvers.ts';
import { checkLimits, MAX_COST } from './limits.ts';
import { EntityLoader } from './loader.ts';
import { DocumentCache } from './documents.ts';
import type { GraphqlContext } from './views.ts';

const op = getOperation('api_preempt_proxy_post_graphql');

interface GraphqlBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Every answer of this dialect is a GraphQL response: `{data?, errors?, extensions?}`. */
function send(request: FastifyRequest, reply: FastifyReply, status: number, body: ExecutionResult & { extensions?: Record<string, unknown> }) {
  const accept = request.headers.accept ?? '';
  reply.code(status).type(accept.includes('application/graphql-response+json') ? 'application/graphql-response+json; charset=utf-8' : 'application/json; charset=utf-8');
  return reply.send(JSON.stringify(body));
}

const requestError = (message: string, code = 'BAD_REQUEST') => ({ errors: [{ message, extensions: { code } }] }) as unknown as ExecutionResult;

/**
 * The Identity Protection GraphQL endpoint as its own dialect: its own bearer-token check, and
 * errors as GraphQL errors rather than the Falcon envelope. A request that cannot run (bad JSON,
 * syntax, unknown fields, over the depth or cost limits, bad variables) and an argument the
 * service refuses (page size, forged cursor, unknown stage) answer 400, as the vendor does; field
 * errors of an otherwise good query (e.g. an incident that does not exist) answer 200 with `errors`.
 */
export async function identityGraphqlPlugin(app: FastifyInstance, opts: { core: Core }): Promise<void> {
  const { core } = opts;
  const documents = new DocumentCache(identitySchema);

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'graphql request failed');
    return send(request, reply, status, requestError(status === 500 ? 'internal error' : err.validation ? `invalid GraphQL request: ${err.message}` : err.message, status === 500 ? 'INTERNAL' : 'BAD_REQUEST'));
  });

  app.route({
    method: 'POST',
    url: op.path,
    config: { operation: op },
    schema: { body: op.body },
    onRequest: async (request, reply) => {
      const match = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      const principal = match ? await core.tokens.verify(match[1]) : undefined;
      if (!principal) return send(request, reply, 401, requestError('access denied, invalid bearer token', 'UNAUTHENTICATED'));
      request.principal = principal;
      if (!principal.scopes.has(op.scope!)) return send(request, reply, 403, requestError(`access denied, authorization failed: this API client lacks the ${op.scope} scope`, 'FORBIDDEN'));
    },
    handler: async (request, reply) => {
      const body = request.body as GraphqlBody;
      const variables = body.variables ?? {};
      let document: DocumentNode;
      try {
        const checked = documents.get(body.query);
        if (checked.errors) return send(request, reply, 400, { errors: checked.errors });
        document = checked.document;
      } catch (e) {
        return send(request, reply, 400, { errors: [e as GraphQLError] });
      }
      const operation = getOperationAST(document, body.operationName ?? undefined);
      if (!operation) return send(request, reply, 400, requestError(body.operationName ? `no operation named "${body.operationName}"` : 'the document must hold exactly one operation, or name one with operationName'));
      let cost: number;
      try {
        ({ cost } = checkLimits(document, operation, variables));
      } catch (e) {
        return send(request, reply, 400, { errors: [e as GraphQLError] });
      }
      const contextValue: GraphqlContext = { core, caller: request.principal!.client_id, entities: new EntityLoader(core) };
      const compiled = documents.compile(document, body.operationName ?? undefined);
      if (!isCompiledQuery(compiled)) return send(request, reply, 400, { errors: compiled.errors, extensions: { remainingPoints: MAX_COST - cost } });
      const result = await compiled.query(rootValue, contextValue, variables);
      const extensions = { remainingPoints: MAX_COST - cost };
      if (!result.errors?.length) return send(request, reply, 200, { ...result, extensions });
      // Variables that do not coerce: the request never ran.
      if (result.data === undefined) return send(request, reply, 400, { errors: result.errors, extensions });
      const causes = result.errors.map((e) => e.originalError);
      const unexpected = causes.filter((c) => c && !(c instanceof ServiceError) && !(c instanceof GraphQLError));
      if (unexpected.length) {
        request.log.error({ err: unexpected[0] }, 'graphql resolver failed');
        return send(request, reply, 500, requestError('internal error', 'INTERNAL'));
      }
      const errors = result.errors.map((e) => {
        const c = e.originalError;
        return c instanceof ServiceError ? new GraphQLError(c.message, { nodes: e.nodes, path: e.path, extensions: { code: c.status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT' } }) : e;
      });
      const badInput = causes.some((c) => c instanceof ServiceError && c.status === 400);
      return send(request, reply, badInput ? 400 : 200, badInput ? { errors, extensions } : { data: result.data, errors, extensions });
    },
  });
}
