import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { parseConfigText, type ParseConfigOptions } from './config-file.ts';
import { ruleProblem, rulePrecedenceWarning } from '../services/subscription-service.ts';

const SOURCE = 'config/herald.yaml';

function problemsOf(text: string, options: ParseConfigOptions = {}): readonly string[] {
  try {
    parseConfigText(text, SOURCE, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('parseConfigText accepted the text');
}

/** A stand-in for the rule parser: refuses a rule ending in an operator. */
function validateRule(rule: string): string | undefined {
  return /\b(AND|OR|NOT)$/.test(rule) ? `rule ends after ${rule.split(' ').at(-1)}; add a term after it` : undefined;
}

describe('parseConfigText', () => {
  it('reads the example file shipped with Herald, whose rules read as they always did', () => {
    const text = readFileSync(new URL('../../config/herald.example.yaml', import.meta.url), 'utf8');
    expect(parseConfigText(text, 'config/herald.example.yaml', { validateRule, warnRule: rulePrecedenceWarning })).toEqual({
      defaults: { pollIntervalSeconds: 600, maxItemAgeDays: 7 },
      subscriptions: [
        { url: 'https://dev.to/feed', rule: 'rust OR kubernetes OR kafka', name: 'DEV Community', platform: 'console', line: 46 },
        { url: 'https://techwasti.com/rss.xml', rule: 'kafka OR "event streaming" OR mcp', platform: 'console', line: 49 },
      ],
      rules: [],
      slack: { admins: [] },
      warnings: [],
    });
  });

  it.each([
    ['an empty file', ''],
    ['a file of comments', '# nothing yet\n'],
    ['sections left empty', 'defaults:\nsubscriptions:\nslack:\n'],
  ])('gives the defaults for %s', (_name, text) => {
    expect(parseConfigText(text, SOURCE)).toEqual({ defaults: {}, subscriptions: [], rules: [], slack: { admins: [] }, warnings: [] });
  });

  it.each<[string, number | undefined, number | undefined]>([
    ['pollInterval: 30s', 30, undefined],
    ['pollInterval: 1h30m', 5400, undefined],
    ['pollInterval: 45', 45, undefined],
    ['maxItemAge: 12h', undefined, 0.5],
    ['maxItemAge: 2w', undefined, 14],
    ['maxItemAge: 3', undefined, 3],
  ])('reads the duration %s', (line, pollIntervalSeconds, maxItemAgeDays) => {
    expect(parseConfigText(`defaults:\n  ${line}\n`, SOURCE).defaults).toEqual({ pollIntervalSeconds, maxItemAgeDays });
  });

  it('trims values, reads an absent rule as "every item" and drops an empty name', () => {
    const config = parseConfigText('subscriptions:\n  - url: " https://a.example/feed "\n    rule:\n    name: ""\n', SOURCE);
    expect(config.subscriptions).toEqual([{ url: 'https://a.example/feed', rule: '', platform: 'console', line: 2 }]);
  });

  it.each<[string, string, string]>([
    ['a top-level typo', 'subscription:\n  - url: https://a.example/\n', `${SOURCE}: subscription: unknown key; did you mean "subscriptions"? (line 1)`],
    ['a typo in defaults', 'defaults:\n  pollIntervall: 10m\n', `${SOURCE}: defaults.pollIntervall: unknown key; did you mean "pollInterval"? (line 2)`],
    ['a typo in a subscription', 'subscriptions:\n  - url: https://a.example/\n    rul: kafka\n', `${SOURCE}: subscriptions[0].rul: unknown key; did you mean "rule"? (line 3)`],
    ['a typo in slack', 'slack:\n  admin: []\n', `${SOURCE}: slack.admin: unknown key; did you mean "admins"? (line 2)`],
    ['a key with no near match', 'colour: blue\n', `${SOURCE}: colour: unknown key; expected one of: defaults, subscriptions, rules, slack (line 1)`],
  ])('refuses %s with a suggestion', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });

  it.each<[string, string, string]>([
    ['a URL without scheme', 'subscriptions:\n  - url: dev.to/feed\n', 'subscriptions[0].url: must be an http(s) URL, or a file:/// URL of a feed file on this machine (line 2)'],
    ['a non-http URL', 'subscriptions:\n  - url: ftp://a.example/feed\n', 'subscriptions[0].url: must be an http(s) URL, or a file:/// URL'],
    ['a URL with a password', 'subscriptions:\n  - url: https://me:secret@a.example/feed\n', 'subscriptions[0].url: URLs with a user name or password in them cannot be watched; remove the "user:password@" part. (line 2)'],
    ['a missing URL', 'subscriptions:\n  - url: https://a.example/\n  - rule: kafka\n', 'subscriptions[1].url: is required (line 3)'],
    ['a number as URL', 'subscriptions:\n  - url: 42\n', 'subscriptions[0].url: must be an http(s) URL or a file:/// URL (line 2)'],
    ['a second subscription to a feed', 'subscriptions:\n  - url: https://a.example/feed\n  - url: https://A.example/feed\n', 'subscriptions[1].url: is the same feed in the same channel as subscriptions[0]'],
    ['a rule that is not text', 'subscriptions:\n  - url: https://a.example/\n    rule: [kafka]\n', 'subscriptions[0].rule: must be text (put it in quotes) (line 3)'],
    ['a bad duration', 'defaults:\n  pollInterval: soon\n', 'defaults.pollInterval: must be a duration such as 30s, 10m or 1h, or a number of seconds (line 2)'],
    ['a zero interval', 'defaults:\n  pollInterval: 0\n', 'defaults.pollInterval: must be a duration'],
    ['a fractional interval', 'defaults:\n  pollInterval: 1.5\n', 'defaults.pollInterval: must be a whole number of seconds'],
    ['months', 'defaults:\n  maxItemAge: 1M\n', 'defaults.maxItemAge: must be a duration such as 12h, 7d or 2w'],
    ['subscriptions as a mapping', 'subscriptions:\n  url: https://a.example/\n', 'subscriptions: must be a list of subscriptions'],
    ['a Slack name instead of an id', 'slack:\n  admins:\n    - U024BE7LH\n    - "@alice"\n', 'slack.admins[1]: must be a Slack user id such as U024BE7LH'],
    ['a list as the whole file', '- https://a.example/\n', `${SOURCE}: must be a mapping of defaults, subscriptions, rules and slack (line 1)`],
  ])('refuses %s, naming the path and line', (_name, text, expected) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
    expect(problems[0]!.startsWith(`${SOURCE}: `)).toBe(true);
  });

  it.each<[string, string, string]>([
    ['an unclosed quote', 'subscriptions:\n  - url: "https://a.example/\n', '(line 3, column 1)'],
    ['a tab as indentation', 'defaults:\n\tpollInterval: 10m\n', 'Tabs are not allowed as indentation (line 2, column 1)'],
    ['a key written twice', 'defaults: {}\ndefaults: {}\n', 'a key appears twice in the same mapping (line 2, column 1)'],
    ['an unclosed list', 'slack:\n  admins: [U1AB\n', '(line 3, column 1)'],
  ])('reports a YAML syntax error with line and column: %s', (_name, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(new RegExp(`^${SOURCE}: `));
    expect(problems[0]).toContain(expected);
  });

  it('reports rule errors from the injected validator at the rule', () => {
    const text = 'subscriptions:\n  - url: https://a.example/\n    rule: kafka\n  - url: https://b.example/\n    rule: rust OR\n';
    expect(problemsOf(text, { validateRule })).toEqual([`${SOURCE}: subscriptions[1].rule: rule ends after OR; add a term after it (line 5)`]);
  });

  it('reports a validator that throws as a rule error rather than crashing', () => {
    const throwing = () => {
      throw new Error('unexpected ")" at 3');
    };
    expect(problemsOf('subscriptions:\n  - url: https://a.example/\n    rule: a )\n', { validateRule: throwing })).toEqual([
      `${SOURCE}: subscriptions[0].rule: unexpected ")" at 3 (line 3)`,
    ]);
  });

  it('does not run the validator on an empty rule', () => {
    const seen: string[] = [];
    parseConfigText('subscriptions:\n  - url: https://a.example/\n    rule: ""\n  - url: https://b.example/\n', SOURCE, {
      validateRule: (rule) => {
        seen.push(rule);
        return 'refused';
      },
    });
    expect(seen).toEqual([]);
  });

  it('reports every problem in the file at once, in line order', () => {
    const text = [
      'defaults:',
      '  pollInterval: soon',
      'subscriptions:',
      '  - url: nowhere',
      '    rule: kafka OR',
      '  - url: https://a.example/',
      '    nmae: A',
      'extra: true',
    ].join('\n');
    const problems = problemsOf(text, { validateRule });
    expect(problems.map((problem) => problem.match(/\(line (\d+)\)$/)?.[1])).toEqual(['2', '4', '5', '7', '8']);
    expect(problems[3]).toContain('subscriptions[1].nmae: unknown key; did you mean "name"?');
  });
});

describe('subscriptions for every platform, and admin rules', () => {
  const discordEntry = [
    'subscriptions:',
    '  - url: https://a.example/feed',
    '    platform: discord',
    '    workspace: 100000000000000001', // unquoted: too long for an exact YAML number, kept as written
    '    channel: "200000000000000001"',
    '    rule: kafka',
    '    template: "{title} {link}"',
    '    interval: 5m',
    '    mention: { role: "300000000000000001", when: title:release }',
    '  - url: http://127.0.0.1:8080/private.xml',
    '  - url: file:///srv/feeds/local.xml',
    'rules:',
    '  - platform: slack',
    '    workspace: T024BE7LD',
    '    rule: -sponsored',
    '',
  ].join('\n');

  it('reads platform, workspace, channel, template, interval, mention and admin rules, each with its line', () => {
    const config = parseConfigText(discordEntry, SOURCE, { validateRule: ruleProblem });
    expect(config.subscriptions[0]).toEqual({
      url: 'https://a.example/feed', rule: 'kafka', platform: 'discord', workspace: '100000000000000001', channel: '200000000000000001',
      template: '{title} {link}', interval: 300, mention: { role: '300000000000000001', when: 'title:release' }, line: 2,
    });
    // A private address and a file are the operator's choice in the file.
    expect(config.subscriptions.slice(1).map((entry) => [entry.url, entry.line])).toEqual([
      ['http://127.0.0.1:8080/private.xml', 10],
      ['file:///srv/feeds/local.xml', 11],
    ]);
    expect(config.rules).toEqual([{ platform: 'slack', workspace: 'T024BE7LD', rule: '-sponsored', line: 13 }]);
  });

  it.each<[string, string, string]>([
    ['a Discord entry without its ids', 'subscriptions:\n  - url: https://a.example/\n    platform: discord\n', 'subscriptions[0].workspace: is required for discord: the server (guild) id, in quotes'],
    ['a Slack channel name instead of its id', 'subscriptions:\n  - url: https://a.example/\n    platform: slack\n    workspace: T024BE7LD\n    channel: "#general"\n', "subscriptions[0].channel: must be the channel id, such as C024BE91L (in Slack: the channel's details, at the bottom) (line 5)"],
    ['a mistyped platform', 'subscriptions:\n  - url: https://a.example/\n    platform: discrod\n', 'subscriptions[0].platform: must be one of discord, slack, console; did you mean "discord"? (line 3)'],
    ['a mention on the console', 'subscriptions:\n  - url: https://a.example/\n    mention: "123456789"\n', 'subscriptions[0].mention: pings nobody on the console'],
    ['a Slack mention that is not a user group', 'subscriptions:\n  - url: https://a.example/\n    platform: slack\n    workspace: T024BE7LD\n    channel: C024BE91L\n    mention: "@devs"\n', 'subscriptions[0].mention: must name a user-group id such as S0614TZR7'],
    ['a typo in a mention', 'subscriptions:\n  - url: https://a.example/\n    platform: discord\n    workspace: "100000000000000001"\n    channel: "200000000000000001"\n    mention: { role: "300000000000000001", wen: x }\n', 'subscriptions[0].mention.wen: unknown key; did you mean "when"? (line 6)'],
    ['an empty template', 'subscriptions:\n  - url: https://a.example/\n    template: ""\n', 'subscriptions[0].template: is empty; leave the key out for the default layout (line 3)'],
    ['a bad interval', 'subscriptions:\n  - url: https://a.example/\n    interval: often\n', 'subscriptions[0].interval: must be a duration such as 30s, 10m or 1h'],
    ['an admin rule without its workspace', 'rules:\n  - platform: discord\n    rule: -sponsored\n', 'rules[0].workspace: is required for discord'],
    ['two admin rules for one workspace', 'rules:\n  - platform: slack\n    workspace: T024BE7LD\n    rule: a\n  - platform: slack\n    workspace: T024BE7LD\n    rule: b\n', 'rules[1].workspace: already has an admin rule in rules[0]'],
  ])('refuses %s with its line and a hint', (_name, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.filter((problem) => problem.includes(expected))).toHaveLength(1);
  });

  it('lets one feed go to two channels, but not twice to one', () => {
    const twoChannels = 'subscriptions:\n  - url: https://a.example/\n    name: one\n  - url: https://a.example/\n    name: two\n';
    expect(parseConfigText(twoChannels, SOURCE).subscriptions).toHaveLength(2);
    expect(problemsOf('subscriptions:\n  - url: https://a.example/\n  - url: https://a.example/\n')).toEqual([
      `${SOURCE}: subscriptions[1].url: is the same feed in the same channel as subscriptions[0]; combine the two rules with OR (line 3)`,
    ]);
  });

  it('checks templates with the injected validator', () => {
    const validateTemplate = (template: string) => (template.includes('{titel}') ? 'unknown placeholder {titel}; did you mean {title}?' : undefined);
    expect(problemsOf('subscriptions:\n  - url: https://a.example/\n    template: "{titel}"\n', { validateTemplate })).toEqual([
      `${SOURCE}: subscriptions[0].template: unknown placeholder {titel}; did you mean {title}? (line 3)`,
    ]);
  });

  it('warns, at its file and line, about each rule that reads differently since OR binds tighter than a space', () => {
    const text = [
      'subscriptions:',
      '  - url: https://a.example/feed',
      '    rule: kafka OR "event streaming" -title:sponsored',
      '  - url: https://b.example/feed',
      '    rule: kafka OR ("event streaming" -title:sponsored)', // the old reading written out: silent
      '    platform: discord',
      '    workspace: "100000000000000001"',
      '    channel: "200000000000000001"',
      '    mention: { role: "300000000000000001", when: rust go OR kafka }',
      '  - url: https://c.example/feed',
      '    rule: title:rust -title:"rust belt" (kafka OR "event streaming")', // reads as it did: silent
      'rules:',
      '  - platform: slack',
      '    workspace: T024BE7LD',
      '    rule: -a OR b c',
      '',
    ].join('\n');
    const config = parseConfigText(text, SOURCE, { validateRule: ruleProblem, warnRule: rulePrecedenceWarning });
    expect(config.warnings).toEqual([
      `${SOURCE}:3: subscriptions[0].rule now reads \`(kafka OR "event streaming") -title:sponsored\` (OR binds tighter than a space), ` +
        'where it read `kafka OR ("event streaming" -title:sponsored)` before; to keep the old meaning write `kafka OR ("event streaming" -title:sponsored)`, ' +
        'or write `(kafka OR "event streaming") -title:sponsored` to keep the new one: either silences this warning',
      expect.stringMatching(/^config\/herald\.yaml:9: subscriptions\[1\]\.mention\.when now reads `rust \(go OR kafka\)` .* where it read `\(rust go\) OR kafka` before/),
      expect.stringMatching(/^config\/herald\.yaml:15: rules\[0\]\.rule now reads `\(-a OR b\) c` .* where it read `-a OR \(b c\)` before/),
    ]);
    // A warning is not a problem: the file is taken as it is, read the new way.
    expect(config.subscriptions[0]!.rule).toBe('kafka OR "event streaming" -title:sponsored');
  });

  it('puts the caret of a rule error under the fault, however long the path before it', () => {
    const rule = 'title:rust -title:"rust belt" ANDD )';
    const [problem] = problemsOf(`subscriptions:\n  - url: https://a.example/\n  - url: https://b.example/\n    rule: '${rule}'\n`, { validateRule: ruleProblem });
    const [first = '', caretLine = ''] = problem!.split('\n');
    expect(first.startsWith(`${SOURCE}: subscriptions[1].rule: `)).toBe(true);
    // The caret stands under the stray ")" of the rule as printed on the line above.
    expect(first[caretLine.indexOf('^')]).toBe(')');
    expect(caretLine).toMatch(/\(line 4\)$/);
  });
});
