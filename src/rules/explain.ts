/**
 * Explains a rule's decision on an item in words a chat user follows: for a match, which terms
 * were found where (`matched "kafka" in title`); for a miss, what was missing
 * (`no term matched: needs "kafka" or "event streaming"`) or which exclusion blocked it
 * (`blocked by -title:"rust belt" (found in title)`). Agrees with evaluateRule's decision because
 * both find terms with findTerm.
 */
import type { NotNode, RuleNode, TermNode } from './ast.ts';
import type { FieldName } from './fields.ts';
import { formatNode } from './format-rule.ts';
import type { ItemText, TextUnit } from './item-text.ts';
import { findTerm } from './match-term.ts';

interface Found {
  readonly term: TermNode;
  readonly unit: TextUnit;
}

interface Blocked {
  readonly by: NotNode;
  readonly found: readonly Found[];
}

type Outcome =
  | { readonly ok: true; readonly found: readonly Found[]; readonly absent: readonly NotNode[] }
  | { readonly ok: false; readonly missing: readonly RuleNode[]; readonly blocked: readonly Blocked[] };

/** How a field is named in "needs ... in <field>". */
const FIELD_LABELS: Readonly<Record<FieldName, string>> = {
  title: 'title',
  summary: 'summary',
  content: 'content',
  author: 'author',
  category: 'categories',
  link: 'link',
  feed: 'feed title',
};

export function explainVerdict(tree: RuleNode | null, text: ItemText): string {
  if (tree === null) return 'matched: the rule is empty, so every item matches';
  const outcome = explainNode(tree, text);
  if (outcome.ok) {
    if (outcome.found.length > 0) return `matched ${unique(outcome.found.map(describeFound)).join(' and ')}`;
    return `matched: ${unique(outcome.absent.map((node) => describeNeed(node))).join(' and ')}`;
  }
  const blocked = outcome.blocked.map(describeBlocked);
  const needs = outcome.missing.length === 0 ? '' : `needs ${unique(outcome.missing.map((node) => describeNeed(node))).join(' and ')}`;
  if (blocked.length === 0) return `no term matched: ${needs}`;
  return needs === '' ? blocked.join('; ') : `${blocked.join('; ')}; also ${needs}`;
}

function explainNode(node: RuleNode, text: ItemText): Outcome {
  switch (node.kind) {
    case 'term': {
      const unit = findTerm(node, text);
      return unit === undefined ? { ok: false, missing: [node], blocked: [] } : { ok: true, found: [{ term: node, unit }], absent: [] };
    }
    case 'not': {
      const inner = explainNode(node.child, text);
      return inner.ok ? { ok: false, missing: [], blocked: [{ by: node, found: inner.found }] } : { ok: true, found: [], absent: [node] };
    }
    case 'scope':
      return explainNode(node.child, text);
    case 'and': {
      const outcomes = node.children.map((child) => explainNode(child, text));
      const failures = outcomes.filter((outcome) => !outcome.ok);
      if (failures.length > 0) {
        return { ok: false, missing: failures.flatMap((f) => f.missing), blocked: failures.flatMap((f) => f.blocked) };
      }
      const successes = outcomes.filter((outcome) => outcome.ok);
      return { ok: true, found: successes.flatMap((s) => s.found), absent: successes.flatMap((s) => s.absent) };
    }
    case 'or': {
      for (const child of node.children) {
        const outcome = explainNode(child, text);
        if (outcome.ok) return outcome;
      }
      return { ok: false, missing: [node], blocked: [] };
    }
  }
}

function describeFound(found: Found): string {
  return `${quoteTerm(found.term)} in ${describeUnit(found.unit)}`;
}

function describeUnit(unit: TextUnit): string {
  return unit.field === 'category' ? `category "${unit.raw.trim()}"` : FIELD_LABELS[unit.field];
}

function describeBlocked(blocked: Blocked): string {
  const by = `blocked by ${formatNode(blocked.by)}`;
  if (blocked.found.length === 0) return by;
  // A single excluded term need not be repeated: "(found in title)".
  if (blocked.by.child.kind === 'term' && blocked.found.length === 1) return `${by} (found in ${describeUnit(blocked.found[0]!.unit)})`;
  return `${by} (found ${unique(blocked.found.map(describeFound)).join(' and ')})`;
}

/**
 * What a part of the rule asks for, in words: `"kafka" or "event streaming"`, `"rust" in title`,
 * `no "sponsored"`. Terms sharing one field say it once: `("rust" or "go") in title`.
 * `inField` is that shared field, already said by the caller.
 */
function describeNeed(node: RuleNode, inField = false): string {
  switch (node.kind) {
    case 'term':
      return inField || node.field === null ? quoteTerm(node) : `${quoteTerm(node)} in ${FIELD_LABELS[node.field]}`;
    case 'scope':
      return describeNeed(node.child, inField);
    case 'not':
      return node.child.kind === 'term' ? `no ${describeNeed(node.child, inField)}` : `not (${describeNeed(node.child, inField)})`;
    case 'and':
    case 'or': {
      const field = inField ? null : sharedField(node);
      const joined = node.children
        .map((child) => {
          const part = describeNeed(child, inField || field !== null);
          return isCompound(child) ? `(${part})` : part;
        })
        .join(node.kind === 'and' ? ' and ' : ' or ');
      return field === null ? joined : `(${joined}) in ${FIELD_LABELS[field]}`;
    }
  }
}

function isCompound(node: RuleNode): boolean {
  const inner = node.kind === 'scope' ? node.child : node;
  return inner.kind === 'and' || inner.kind === 'or';
}

/** The field every term under `node` is scoped to, if they all share one. */
function sharedField(node: RuleNode): FieldName | null {
  let field: FieldName | null | undefined;
  const visit = (current: RuleNode): boolean => {
    switch (current.kind) {
      case 'term':
        if (field === undefined) field = current.field;
        return current.field !== null && current.field === field;
      case 'and':
      case 'or':
        return current.children.every(visit);
      case 'not':
      case 'scope':
        return visit(current.child);
    }
  };
  return visit(node) ? (field ?? null) : null;
}

function quoteTerm(term: TermNode): string {
  if (term.matcher.kind === 'regex') return term.text;
  return `"${term.text}${term.wildcard ? '*' : ''}"`;
}

function unique(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}
