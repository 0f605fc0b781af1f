import { describe, it, expect } from 'vitest';
import { HeraldError } from '../errors.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';

describe('RuleSyntaxError', () => {
  it('is a HeraldError with code rule-syntax, the position and the hint', () => {
    const error = new RuleSyntaxError('Unclosed quote', 6, 'add the closing "', 'kafka "event streaming');
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ code: 'rule-syntax', position: 6, hint: 'add the closing "', rule: 'kafka "event streaming' });
    expect(error.message).toBe('Unclosed quote at position 7 of rule "kafka \\"event streaming": add the closing "');
  });

  it('shows the rule with a caret under the fault', () => {
    const error = new RuleSyntaxError('Unclosed quote', 6, 'add the closing "', 'kafka "event streaming');
    expect(error.userMessage).toBe(
      ['Unclosed quote at position 7: kafka "event streaming', '                                    ^ add the closing "'].join('\n'),
    );
  });

  it('keeps the caret in place for a rule written over several lines', () => {
    const lines = new RuleSyntaxError('Unexpected )', 8, 'remove it', 'a\n\tb OR )').userMessage.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.indexOf('a  b OR )') + 8).toBe(lines[1]!.indexOf('^'));
  });

  it.each([5, 500, 995, 1199])('shows a long rule as an excerpt with the caret under position %i', (position) => {
    const rule = Array.from({ length: 1200 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const [shown, caret] = new RuleSyntaxError('Problem', position, 'hint', rule).userMessage.split('\n') as [string, string];
    expect(shown.length).toBeLessThan(120);
    expect(shown[caret.indexOf('^')]).toBe(rule[position]);
  });
});
