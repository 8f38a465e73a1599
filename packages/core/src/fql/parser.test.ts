import { describe, expect, it } from 'vitest';
import type { FqlNode, FqlOperator, FqlScalar } from './ast.ts';
import { FqlError } from './errors.ts';
import { parseFql } from './parser.ts';

/** The AST without source positions, for comparing shapes. */
function shape(node: FqlNode): unknown {
  if (node.type === 'clause') return { property: node.property, operator: node.operator, value: node.value };
  return { [node.type]: node.children.map(shape) };
}

const str = (value: string): FqlScalar => ({ type: 'string', value });
const num = (raw: string): FqlScalar => ({ type: 'number', value: Number(raw), raw });
const clause = (property: string, operator: FqlOperator, value: unknown) => ({ property, operator, value });

function parseError(text: string): FqlError {
  try {
    parseFql(text);
  } catch (err) {
    expect(err).toBeInstanceOf(FqlError);
    return err as FqlError;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parseFql operators', () => {
  const cases: [string, FqlOperator][] = [
    [':', 'eq'],
    [':!', 'ne'],
    [':>', 'gt'],
    [':>=', 'gte'],
    [':<', 'lt'],
    [':<=', 'lte'],
    [':~', 'match'],
    [':!~', 'not_match'],
    [':*', 'wildcard'],
    [':!*', 'not_wildcard'],
  ];
  it.each(cases)('a%s parses as %s', (op, operator) => {
    expect(shape(parseFql(`a${op}'x'`))).toEqual(clause('a', operator, str('x')));
  });

  it('keeps the clause position', () => {
    const ast = parseFql(`a:1 + bb:2`);
    expect(ast).toMatchObject({ type: 'and', children: [{ position: 0 }, { position: 6 }] });
  });
});

describe('parseFql values', () => {
  it.each([
    [`a:'x y'`, str('x y')],
    [`a:"x y"`, str('x y')],
    [`a:''`, str('')],
    [`a:'it\\'s'`, str(`it's`)],
    [`a:"say \\"hi\\""`, str('say "hi"')],
    [`a:'back\\\\slash'`, str('back\\slash')],
    [`a:'C:\\Windows'`, str('C:\\Windows')], // a backslash before other characters is literal
    [`a:"it's"`, str(`it's`)],
    [`a:'a,b+c(d)[e]'`, str('a,b+c(d)[e]')],
    [`a:42`, num('42')],
    [`a:-7`, num('-7')],
    [`a:3.25`, num('3.25')],
    [`a:1e3`, num('1e3')],
    [`a:-1e+21`, num('-1e+21')],
    [`a:2.5E-3`, num('2.5E-3')],
    [`a:007`, num('007')],
    [`a:true`, { type: 'boolean', value: true }],
    [`a:false`, { type: 'boolean', value: false }],
    [`a:null`, { type: 'null' }],
    [`a:Windows`, str('Windows')],
    [`a:'true'`, str('true')],
    [`a:'42'`, str('42')],
    [`a:10.0.0.1`, str('10.0.0.1')],
    [`a:00:11:22:aa`, str('00:11:22:aa')],
    [`a:now-1d`, str('now-1d')],
    [`a:True`, str('True')],
    [`a:1e999`, str('1e999')], // not a finite number
    [`a:'ünï\u{1F600}'`, str('ünï\u{1F600}')],
  ])('%s', (text, value) => {
    expect(shape(parseFql(text))).toEqual(clause('a', 'eq', value));
  });

  it('parses lists', () => {
    expect(shape(parseFql(`a:['x',"y",3,true,null,w]`))).toEqual(
      clause('a', 'eq', {
        type: 'list',
        items: [str('x'), str('y'), num('3'), { type: 'boolean', value: true }, { type: 'null' }, str('w')],
      }),
    );
    expect(shape(parseFql(`a:![1]`))).toEqual(clause('a', 'ne', { type: 'list', items: [num('1')] }));
    expect(shape(parseFql(`a:*[ 'x*' , 'y*' ]`))).toEqual(clause('a', 'wildcard', { type: 'list', items: [str('x*'), str('y*')] }));
  });

  it('reads a wildcard operator followed by an unquoted pattern', () => {
    expect(shape(parseFql(`hostname:*web*`))).toEqual(clause('hostname', 'wildcard', str('web*')));
    expect(shape(parseFql(`hostname:!*web*`))).toEqual(clause('hostname', 'not_wildcard', str('web*')));
  });

  it('accepts dotted property names', () => {
    expect(shape(parseFql(`device_policies.response.policy_id:'x'`))).toEqual(clause('device_policies.response.policy_id', 'eq', str('x')));
  });

  it.each([`last_seen:>'now-1d'`, `last_seen:>=now-2h`, `last_seen:<'now+1w'`, `last_seen:'now'`])('relative date %s stays a string', (text) => {
    const ast = parseFql(text);
    expect(ast).toMatchObject({ type: 'clause', value: { type: 'string' } });
  });
});

describe('parseFql structure', () => {
  const a = clause('a', 'eq', num('1'));
  const b = clause('b', 'eq', num('2'));
  const c = clause('c', 'eq', num('3'));
  const d = clause('d', 'eq', num('4'));

  it('+ binds tighter than ,', () => {
    expect(shape(parseFql('a:1+b:2,c:3'))).toEqual({ or: [{ and: [a, b] }, c] });
    expect(shape(parseFql('a:1,b:2+c:3'))).toEqual({ or: [a, { and: [b, c] }] });
    expect(shape(parseFql('a:1,b:2+c:3,d:4'))).toEqual({ or: [a, { and: [b, c] }, d] });
  });

  it('parentheses group', () => {
    expect(shape(parseFql('(a:1,b:2)+c:3'))).toEqual({ and: [{ or: [a, b] }, c] });
    expect(shape(parseFql('a:1+(b:2,(c:3+d:4))'))).toEqual({ and: [a, { or: [b, { and: [c, d] }] }] });
  });

  it('reads an exponent sign as part of a number, not as AND', () => {
    expect(shape(parseFql('a:1e+21+b:2'))).toEqual({ and: [clause('a', 'eq', num('1e+21')), b] });
    expect(shape(parseFql('a:1e+b:2'))).toEqual({ and: [clause('a', 'eq', str('1e')), b] });
  });

  it('merges nested groups of the same kind and drops redundant parentheses', () => {
    expect(shape(parseFql('a:1+(b:2+c:3)'))).toEqual({ and: [a, b, c] });
    expect(shape(parseFql('(a:1,b:2),(c:3)'))).toEqual({ or: [a, b, c] });
    expect(shape(parseFql('((((a:1))))'))).toEqual(a);
  });

  it('reads whitespace alone between two expressions as AND (an unencoded + in a query string)', () => {
    expect(shape(parseFql("a:1 b:2"))).toEqual({ and: [a, b] });
    expect(shape(parseFql("a:1 b:2,c:3  (d:4)"))).toEqual({ or: [{ and: [a, b] }, { and: [c, d] }] });
    expect(parseError('a:1 :2').message).toMatch(/position 4/);
  });

  it('allows whitespace around tokens', () => {
    expect(shape(parseFql(' ( a : 1 ,\tb :2 )\n+ c:  3 '))).toEqual({ and: [{ or: [a, b] }, c] });
    expect(shape(parseFql(`a:[ 1 , 2 ]`))).toEqual(clause('a', 'eq', { type: 'list', items: [num('1'), num('2')] }));
  });
});

describe('parseFql errors', () => {
  it.each([
    ['hostname:', 9, `expected "'", "[", '"' or unquoted value but found end of input`],
    [`hostname:'abc`, 13, `expected "'" but found end of input`],
    [`hostname:"abc`, 13, `expected '"' but found end of input`],
    ['(a:1', 4, 'expected ")", "+" or "," but found end of input'],
    ['a:1++b:2', 4, 'expected "(" or property name but found "+"'],
    [':1', 0, 'expected "(" or property name but found ":"'],
    ['a:[1,', 5, `expected "'", '"' or unquoted value but found end of input`],
    ['a:[]', 3, `expected "'", '"' or unquoted value but found "]"`],
    ['a:[1,2', 6, 'expected "," or "]" but found end of input'],
    ['a:1)', 3, 'expected "+", "," or end of input but found ")"'],
    ['a:=1', 2, `expected "'", "[", '"' or unquoted value but found "="`],
    ['a: !1', 3, `expected "'", "[", '"' or unquoted value but found "!"`],
    ['a 1', 2, 'expected ":" but found "1"'],
    ['', 0, 'expected "(" or property name but found end of input'],
    ['()', 1, 'expected "(" or property name but found ")"'],
    ['1a:1', 0, 'expected "(" or property name but found "1"'],
  ])('%j fails at %i', (text, position, detail) => {
    const err = parseError(text);
    expect(err.position).toBe(position);
    expect(err.message).toBe(`Invalid FQL filter at position ${position}: ${detail}`);
    expect(err.expected.length).toBeGreaterThan(0);
  });

  it('lists what was expected', () => {
    expect(parseError('a:1++b:2').expected).toEqual(['"("', 'property name']);
  });

  it('bounds nesting depth', () => {
    const deep = `${'('.repeat(33)}a:1${')'.repeat(33)}`;
    expect(parseError(deep).message).toMatch(/nested more than 32 deep/);
    expect(shape(parseFql(`${'('.repeat(32)}a:1${')'.repeat(32)}`))).toEqual(clause('a', 'eq', num('1')));
    // Far deeper than any stack: still an FqlError, not a RangeError.
    expect(parseError('('.repeat(200_000).slice(0, 99_999)).message).toMatch(/nested/);
  });

  it('refuses overlong input', () => {
    expect(parseError(`a:'${'x'.repeat(100_000)}'`).message).toMatch(/longer than 100000 characters/);
  });
});
