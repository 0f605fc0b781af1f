/**
 * Parses a rule's source into its typed tree (null for an empty rule: everything matches).
 * Grammar, loosest first, as search boxes (Gmail, Google, Lucene) read queries: a space or AND joins
 * the rest, OR joins the terms beside it, NOT and - apply to the term or group right after them:
 *   rule    = and
 *   and     = or { ["AND"] or }                adjacent terms are ANDed
 *   or      = unary { "OR" unary }
 *   unary   = ("NOT" | "-") unary | primary
 *   primary = term | field term | field "(" and ")" | "(" and ")"
 * So `kafka OR "event streaming" -sponsored` is `(kafka OR "event streaming") AND NOT sponsored`.
 * Throws RuleSyntaxError with the position of the fault.
 */
import type { RuleNode } from './ast.ts';
import { buildTerm } from './build-term.ts';
import type { FieldName } from './fields.ts';
import { lexRule, type Token } from './lexer.ts';
import { buildRegexTerm } from './regex-term.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';

export const MAX_RULE_LENGTH = 1000;

/** C0 and C1 controls and DEL, but for the tab, line breaks and form feeds that are white space. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/;
/** Parentheses and negations inside one another; real rules need a handful. */
export const MAX_NESTING = 24;

const OPERATOR_NAMES = { and: 'AND', or: 'OR', not: 'NOT', minus: '-' } as const;

/**
 * `search`: the grammar above. `and-over-or`: the reading of rules written before migration 004, where OR
 * was loosest (`a b OR c` was `(a b) OR c`); only old-precedence.ts asks for it.
 */
export type Precedence = 'search' | 'and-over-or';

/** The two binary operators, loosest first. */
const LEVELS: Readonly<Record<Precedence, readonly ['and' | 'or', 'and' | 'or']>> = {
  search: ['and', 'or'],
  'and-over-or': ['or', 'and'],
};

export function parseRule(source: string, precedence: Precedence = 'search'): RuleNode | null {
  if (source.length > MAX_RULE_LENGTH) {
    throw new RuleSyntaxError(`Rule too long (${source.length} characters)`, MAX_RULE_LENGTH, `keep rules to ${MAX_RULE_LENGTH} characters or fewer`, source);
  }
  // Invisible in chat, refused by PostgreSQL's text (NUL), and never what anyone meant to search for.
  const control = CONTROL_CHARACTER.exec(source);
  if (control !== null) {
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new RuleSyntaxError(`Control character ${code}`, control.index, 'remove it: a rule holds only text you can see', source);
  }
  const tokens = lexRule(source);
  if (tokens.length === 0) return null;
  return new Parser(tokens, source, LEVELS[precedence]).parseAll();
}

class Parser {
  private next = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
    private readonly levels: readonly ['and' | 'or', 'and' | 'or'],
  ) {}

  parseAll(): RuleNode {
    const node = this.parseBinary(0, 0, null);
    const extra = this.peek();
    if (extra !== undefined) this.fail('Unexpected )', extra.position, 'remove it or add a matching ( before it');
    return node;
  }

  /** Operands joined by the operator of `level` (0: the loosest); AND is also implied between adjacent operands. */
  private parseBinary(level: number, depth: number, scope: FieldName | null): RuleNode {
    const operator = this.levels[level];
    if (operator === undefined) return this.parseUnary(depth, scope);
    const children = [this.parseBinary(level + 1, depth, scope)];
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.kind === operator) {
        this.next++;
        this.expectOperand(token.kind, token.position);
      } else if (operator === 'or' || !startsOperand(token)) {
        break;
      }
      children.push(this.parseBinary(level + 1, depth, scope));
    }
    return combine(operator, children);
  }

  private parseUnary(depth: number, scope: FieldName | null): RuleNode {
    const token = this.peek();
    if (token?.kind !== 'not' && token?.kind !== 'minus') return this.parsePrimary(depth, scope);
    this.next++;
    this.expectOperand(token.kind, token.position);
    this.checkDepth(depth + 1, token.position);
    const child = this.parseUnary(depth + 1, scope);
    // NOT NOT x is x.
    return child.kind === 'not' ? child.child : { kind: 'not', child };
  }

  private parsePrimary(depth: number, scope: FieldName | null): RuleNode {
    const token = this.tokens[this.next++];
    switch (token?.kind) {
      case 'word':
      case 'phrase':
        return buildTerm({ text: token.text, quoted: token.kind === 'phrase', position: token.position }, scope, this.source);
      case 'regex':
        return buildRegexTerm(token, scope, this.source);
      case 'field':
        return this.parseScoped(token.field, token.position, depth, scope);
      case 'lparen':
        return this.parseGroup(token.position, depth, scope);
      case 'and':
      case 'or':
        return this.fail(`Nothing before ${OPERATOR_NAMES[token.kind]}`, token.position, `${OPERATOR_NAMES[token.kind]} joins two terms, like kafka ${OPERATOR_NAMES[token.kind]} streams`);
      case 'rparen':
        return this.fail('Unexpected )', token.position, 'remove it or add a matching ( before it');
      default:
        // Callers check that an operand follows before coming here.
        throw new Error(`parsePrimary reached ${token?.kind ?? 'the end'} of ${JSON.stringify(this.source)}`);
    }
  }

  private parseScoped(field: FieldName, position: number, depth: number, scope: FieldName | null): RuleNode {
    if (scope !== null) {
      this.fail(`Field ${field}: inside ${scope}:( )`, position, `use one field per group, like ${scope}:(rust OR go) ${field}:release`);
    }
    const target = this.peek();
    if (target?.kind === 'field') {
      this.fail(`Field ${target.field}: right after ${field}:`, target.position, `use one field per term, like ${field}:rust`);
    }
    if (target?.kind !== 'lparen') return this.parsePrimary(depth, field);
    this.next++;
    const child = this.parseGroup(target.position, depth, field);
    return child.kind === 'term' ? child : { kind: 'scope', field, child };
  }

  private parseGroup(open: number, depth: number, scope: FieldName | null): RuleNode {
    const first = this.peek();
    if (first === undefined) this.fail('Unclosed parenthesis', open, 'add the closing )');
    if (first.kind === 'rparen') this.fail('Empty parentheses', open, 'put terms between ( and ) or remove them');
    this.checkDepth(depth + 1, open);
    const inner = this.parseBinary(0, depth + 1, scope);
    if (this.peek()?.kind !== 'rparen') this.fail('Unclosed parenthesis', open, 'add the closing )');
    this.next++;
    return inner;
  }

  private expectOperand(operator: keyof typeof OPERATOR_NAMES, position: number): void {
    const following = this.peek();
    if (following !== undefined && startsOperand(following)) return;
    const name = OPERATOR_NAMES[operator];
    const hint = operator === 'and' || operator === 'or'
      ? `${name} joins two terms, like kafka ${name} streams`
      : `${name} excludes the term after it, like ${operator === 'not' ? 'NOT ' : '-'}sponsored`;
    this.fail(`Nothing after ${name}`, position, hint);
  }

  private checkDepth(depth: number, position: number): void {
    if (depth > MAX_NESTING) {
      this.fail('Too deeply nested', position, `use at most ${MAX_NESTING} levels of parentheses and NOT`);
    }
  }

  private peek(): Token | undefined {
    return this.tokens[this.next];
  }

  private fail(problem: string, position: number, hint: string): never {
    throw new RuleSyntaxError(problem, position, hint, this.source);
  }
}

function startsOperand(token: Token): boolean {
  return token.kind !== 'and' && token.kind !== 'or' && token.kind !== 'rparen';
}

/** One child stands alone; nested groups of the same operator are flattened (AND and OR associate). */
function combine(kind: 'and' | 'or', children: readonly RuleNode[]): RuleNode {
  if (children.length === 1) return children[0]!;
  return { kind, children: children.flatMap((child) => (child.kind === kind ? child.children : [child])) };
}

