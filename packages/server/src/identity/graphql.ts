import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type * as GraphQLJit from 'graphql-jit';

const require = createRequire(import.meta.url);

/**
 * graphql and graphql-jit, as one instance of graphql. graphql-jit's ES module build reaches into
 * graphql's CommonJS files (its field lookup hands back their introspection fields), and graphql
 * refuses types made by another instance of itself; so this part loads both as CommonJS, and every
 * file of it takes graphql's values from here.
 */
const graphql = require('graphql') as typeof GraphQL;
const jit = require('graphql-jit') as typeof GraphQLJit;

export const { buildSchema, defaultFieldResolver, execute, getOperationAST, GraphQLError, Kind, parse, validate } = graphql;
export type GraphQLError = GraphQL.GraphQLError;
export const { compileQuery, isCompiledQuery } = jit;
export type { CompiledQuery } from 'graphql-jit';
