import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';

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
}
