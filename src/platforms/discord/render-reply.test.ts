import { describe, expect, it } from 'vitest';
import { reply } from '../../commands/reply.ts';
import { renderDiscordReply } from './render-reply.ts';

describe('renderDiscordReply', () => {
  it('renders channels, code and links, and escapes feed text', () => {
    const content = renderDiscordReply(reply([[
      '✅ ', { channel: '123' }, ' follows ', { link: 'https://blog.test/feed', label: '**Hot** [news] @everyone' }, ' as ', { code: 'ab`c' },
    ]]));
    expect(content).toContain('<#123>');
    expect(content).toContain('(<https://blog.test/feed>)');
    expect(content).not.toContain('**Hot**');
    expect(content).not.toMatch(/@everyone/);
    expect(content).toContain('`abˋc`');
  });

  it('stays within 2000 characters and says how many lines were left out', () => {
    const lines = Array.from({ length: 100 }, (_, index) => [`line ${index} `.padEnd(60, 'x')]);
    const content = renderDiscordReply(reply(lines));
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content).toMatch(/… and \d+ more$/);
  });
});
