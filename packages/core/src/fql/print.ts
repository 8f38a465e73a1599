import { OPERATOR_TEXT, type FqlNode, type FqlScalar, type FqlValue } from './ast.ts';

export interface PrintOptions {
  /** Whitespace to put at each point where the grammar allows it (default none). */
  space?: () => string;
}

/** FQL text for a syntax tree; `parseFql(printFql(ast))` gives back `ast` (positions aside). */
export function printFql(node: FqlNode, options: PrintOptions = {}): string {
  const sp = options.space ?? (() => '');
  const print = (n: FqlNode): string => {
    switch (n.type) {
      case 'clause':
        return `${n.property}${sp()}:${OPERATOR_TEXT[n.operator]}${sp()}${printValue(n.value, sp)}`;
      case 'and':
        // AND binds tighter than OR, so only an OR child needs parentheses.
        return n.children.map((c) => (c.type === 'or' ? group(print(c)) : print(c))).join(`${sp()}+${sp()}`);
      case 'or':
        return n.children.map(print).join(`${sp()},${sp()}`);
    }
  };
  const group = (inner: string) => `(${sp()}${inner}${sp()})`;
  return print(node);
}

/** FQL text for a value: strings always quoted, numbers as written. */
export function printValue(value: FqlValue, sp: () => string = () => ''): string {
  if (value.type !== 'list') return printScalar(value);
  return `[${sp()}${value.items.map(printScalar).join(`${sp()},${sp()}`)}${sp()}]`;
}

function printScalar(value: FqlScalar): string {
  switch (value.type) {
    case 'string':
      return `'${value.value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
    case 'number':
      return value.raw;
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'null';
  }
}
