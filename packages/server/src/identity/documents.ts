import { parse, validate, compileQuery, isCompiledQuery, type CompiledQuery, type GraphQLError } from './graphql.ts';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';

/** Documents kept; clients repeat a handful of queries, so a small cache holds them all. */
const MAX_DOCUMENTS = 256;
/** Longer query texts are parsed every time rather than kept. */
const MAX_CACHED_LENGTH = 16_384;

/**
 * Parsed and validated GraphQL documents by query text. Parsing is cheap; validating against the
 * schema costs more than running a typical page query, so a document that passed once is reused.
 * Only valid documents are kept (least recently used goes first).
 */
export class DocumentCache {
  private readonly valid = new Map<string, DocumentNode>();
  /** Executable code for each operation of a document, compiled on first run; goes with the document. */
  private readonly compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** The document, or the errors that make it unusable (a syntax error is thrown by `parse`). */
  get(query: string): { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: readonly GraphQLError[] } {
    const hit = this.valid.get(query);
    if (hit) {
      this.valid.delete(query);
      this.valid.set(query, hit);
      return { document: hit };
    }
    const document = parse(query, { maxTokens: 20_000 });
    const errors = validate(this.schema, document);
    if (errors.length) return { errors };
    if (query.length <= MAX_CACHED_LENGTH) {
      if (this.valid.size >= MAX_DOCUMENTS) this.valid.delete(this.valid.keys().next().value!);
      this.valid.set(query, document);
    }
    return { document };
  }

  /**
   * The operation compiled to JavaScript (graphql-jit): it runs the same resolvers as graphql-js's
   * `execute` with the same results and errors, without interpreting the document for every object
   * of every list. Compiling costs about as much as validating, so it is done once per document.
   */
  compile(document: DocumentNode, operationName: string | undefined): CompiledQuery | ExecutionResult {
    let byName = this.compiled.get(document);
    if (!byName) this.compiled.set(document, (byName = new Map()));
    const hit = byName.get(operationName ?? '');
    if (hit) return hit;
    const compiled = compileQuery(this.schema, document, operationName);
    if (isCompiledQuery(compiled)) byName.set(operationName ?? '', compiled);
    return compiled;
  }
}
