/**
 * Parses a rule's source into its typed tree (null for an empty rule: everything matches).
 * Grammar, loosest first; NOT binds tighter than AND, AND tighter than OR:
 *   rule    = or
 *   or      = and { "OR" and }
 *   and     = unary { ["AND"] unary }          adjacent terms are ANDed
 *   unary   = ("NOT" | "-") unary | primary
 *   primary = term | field term | field "(" or ")" | "(" or ")"
 * Throws RuleSyntaxError with the position of the fault.
 */
import type { RuleNode } from './ast.ts';
import { buildTerm } from './build-term.ts';
import type { FieldName } from './fields.ts';
import { lexRule, type Token } from './lexer.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';

export const MAX_RULE_LENGTH = 1000;
/** Parentheses and negations inside one another; real rules need a handful. */
export const MAX_NESTING = 24;

const OPERATOR_NAMES = { and: 'AND', or: 'OR', not: 'NOT', minus: '-' } as const;

export function parseRule(source: string): RuleNode | null {
  if (source.length > MAX_RULE_LENGTH) {
    throw new RuleSyntaxError(`Rule too long (${source.length} characters)`, MAX_RULE_LENGTH, `keep rules to ${MAX_RULE_LENGTH} characters or fewer`, source);
  }
  const tokens = lexRule(source);
  if (tokens.length === 0) return null;
  return new Parser(tokens, source).parseAll();
}

class Parser {
  private next = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  parseAll(): RuleNode {
    const node = this.parseOr(0, null);
    const extra = this.peek();
    if (extra !== undefined) this.fail('Unexpected )', extra.position, 'remove it or add a matching ( before it');
    return node;
  }

  private parseOr(depth: number, scope: FieldName | null): RuleNode {
    const children = [this.parseAnd(depth, scope)];
    for (let token = this.peek(); token?.kind === 'or'; token = this.peek()) {
      this.next++;
      this.expectOperand(token.kind, token.position);
      children.push(this.parseAnd(depth, scope));
    }
    return combine('or', children);
  }

  private parseAnd(depth: number, scope: FieldName | null): RuleNode {
    const children = [this.parseUnary(depth, scope)];
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.kind === 'and') {
        this.next++;
        this.expectOperand(token.kind, token.position);
      } else if (!startsOperand(token)) {
        break;
      }
      children.push(this.parseUnary(depth, scope));
    }
    return combine('and', children);
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
        return this.fail('Regular expressions are not supported yet', token.position, `search for words instead, like title:k8s, or put the text in quotes: "/${token.pattern}/${token.flags}"`);
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
    const inner = this.parseOr(depth + 1, scope);
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

