/**
 * The error a malformed rule throws: what is wrong, where (`position`, a 0-based index into the rule
 * source) and how to fix it (`hint`). The userMessage shows the rule with a caret under the fault;
 * read it in a monospace font (a code block in chat) so the caret lines up.
 */
import { HeraldError } from '../errors.ts';

/** Rules longer than this are shown as an excerpt around the fault. */
const EXCERPT_WIDTH = 60;

export class RuleSyntaxError extends HeraldError {
  readonly position: number;
  readonly hint: string;
  readonly rule: string;

  constructor(problem: string, position: number, hint: string, rule: string) {
    super('rule-syntax', `${problem} at position ${position + 1} of rule ${JSON.stringify(clip(rule))}: ${hint}`, {
      userMessage: drawCaret(problem, position, hint, rule),
    });
    this.name = 'RuleSyntaxError';
    this.position = position;
    this.hint = hint;
    this.rule = rule;
  }
}

function clip(rule: string): string {
  return rule.length > 200 ? `${rule.slice(0, 200)}…` : rule;
}

/**
 * `Unclosed quote at position 7: kafka "event streaming` and, below it, a caret under the fault
 * followed by the hint. Positions are shown counting from 1, as people count characters.
 */
function drawCaret(problem: string, position: number, hint: string, rule: string): string {
  // Each whitespace character becomes one space so a rule written over several lines stays on one
  // and the caret still lines up.
  const flat = rule.replace(/\s/g, ' ');
  let start = 0;
  let end = flat.length;
  if (flat.length > EXCERPT_WIDTH) {
    start = Math.max(0, Math.min(position - EXCERPT_WIDTH / 2, flat.length - EXCERPT_WIDTH));
    end = Math.min(flat.length, start + EXCERPT_WIDTH);
  }
  const lead = start > 0 ? '…' : '';
  const excerpt = `${lead}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
  const prefix = `${problem} at position ${position + 1}: `;
  const caretColumn = prefix.length + lead.length + (position - start);
  return `${prefix}${excerpt}\n${' '.repeat(caretColumn)}^ ${hint}`;
}
