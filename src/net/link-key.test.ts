import { describe, expect, it } from 'vitest';
import { linkKey } from './link-key.ts';

describe('the key a pasted link is looked up by', () => {
  it('is the same for the ways one link gets pasted', () => {
    const key = linkKey('https://blog.test/posts/kafka-4');
    expect(key).toBe('blog.test/posts/kafka-4');
    for (const pasted of [
      'http://blog.test/posts/kafka-4',
      'https://blog.test/posts/kafka-4/',
      '<https://blog.test/posts/kafka-4>',
      '<https://blog.test/posts/kafka-4|Kafka 4>',
      '  https://BLOG.test/posts/kafka-4  ',
      'https://www.blog.test/posts/kafka-4',
      'https://blog.test:443/posts/kafka-4',
      'blog.test/posts/kafka-4',
    ]) {
      expect(linkKey(pasted), pasted).toBe(key);
    }
  });

  it('keeps what tells pages apart: path case, query, fragment, another port', () => {
    const keys = ['https://blog.test/Posts/kafka-4', 'https://blog.test/posts/kafka-4?page=2', 'https://blog.test/posts/kafka-4#part-2', 'https://blog.test:8080/posts/kafka-4'].map(linkKey);
    expect(new Set([...keys, linkKey('https://blog.test/posts/kafka-4')]).size).toBe(5);
  });

  it('has no key for what is not an http(s) link', () => {
    expect(linkKey('')).toBeUndefined();
    expect(linkKey('<>')).toBeUndefined();
    expect(linkKey('javascript:alert(1)')).toBeUndefined();
    expect(linkKey('mailto:a@b.test')).toBeUndefined();
    expect(linkKey('https://')).toBeUndefined();
  });
});
