import fs from 'node:fs';
import peggy from 'peggy';
import type { FqlNode } from './ast.ts';
import { FqlError, filterError, humanList } from './errors.ts';

/** Longer filters are refused before parsing (a list of a few thousand ids still fits). */
export const MAX_FILTER_LENGTH = 100_000;

// Generated once per process from the grammar source, so grammar.peggy is the only definition.
const parser = peggy.generate(fs.readFileSync(new URL('./grammar.peggy', import.meta.url), 'utf8'), {
  output: 'parser',
  grammarSource: 'grammar.peggy',
});

/** Parses FQL filter text into its syntax tree; throws FqlError on malformed input (including empty input). */
export function parseFql(text: string): FqlNode {
  if (text.length > MAX_FILTER_LENGTH) {
    throw filterError(MAX_FILTER_LENGTH, `filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  try {
    return parser.parse(text) as FqlNode;
  } catch (err) {
    if (err instanceof parser.SyntaxError) throw fromSyntaxError(err, text);
    // The grammar bounds nesting, but never let a stack overflow surface as a server fault.
    if (err instanceof RangeError) throw filterError(0, 'filter is too deeply nested');
    throw err;
  }
}

type PeggySyntaxError = InstanceType<typeof parser.SyntaxError>;

function fromSyntaxError(err: PeggySyntaxError, text: string): FqlError {
  const position = err.location.start.offset;
  if (!err.expected) return filterError(position, err.message); // raised by error() in the grammar
  const expected = [...new Set(err.expected.map(describeExpectation))].sort();
  const found = position >= text.length ? 'end of input' : quote(text[position]);
  return filterError(position, `expected ${humanList(expected)} but found ${found}`, expected);
}

function describeExpectation(e: NonNullable<PeggySyntaxError['expected']>[number]): string {
  switch (e.type) {
    case 'literal':
      return quote(e.text);
    case 'end':
      return 'end of input';
    case 'any':
      return 'any character';
    case 'other':
      return e.description;
    case 'class':
      return 'character'; // every class in the grammar sits inside a named rule
  }
}

/** `"'"` and `'"'` read better than JSON's `"\""`. */
function quote(s: string): string {
  return s.includes('"') && !s.includes("'") ? `'${s}'` : JSON.stringify(s);
}
