import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from './decode.ts';
import { readWithLibrary, readWithScanner, type XmlElement, type XmlNode } from './xml.ts';
import { expandInternalEntities, stripControlCharacters } from './xml-prolog.ts';
import { UNREAD } from './xml-scan.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

/**
 * The tree without parent links (which make it cyclic), each parent's name checked on the way (by name: markup read
 * from inside a stop node is copied under its parent, and the copies' children keep the original as theirs).
 */
function plain(node: XmlNode | undefined, parent?: XmlElement): unknown {
  if (node === undefined || typeof node === 'string') return node;
  if (node.parent?.name !== parent?.name) throw new Error(`wrong parent at <${node.name}>`);
  return { name: node.name, local: node.local, attrs: { ...node.attrs }, children: node.children.map((child) => plain(child, node)) };
}

function scanned(text: string): unknown {
  const result = readWithScanner(text);
  return result === UNREAD ? UNREAD : plain(result);
}

describe('the XML scanner', () => {
  it.each([
    ['<rss version="2.0"><channel><title>A &amp; B</title></channel></rss>'],
    ['<?xml version="1.0" encoding="utf-8"?>\n<!-- hi -->\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <title type="html">x</title>\n</feed>\n'],
    ["<a>\n  <b x=\"1\" y='2' z w=v>t</b>\r\n</a>"],
    ['<a><b></b><c/><br /><description/><description></description></a>'],
    ['<a>x<!-- c -->y &lt;<![CDATA[<p>raw</p>]]>z<![CDATA[]]></a>'],
    ['<rss><item><description>&lt;p&gt;a<![CDATA[b]]><!-- c --><b>naked</b></description></item></rss>'],
    ['<rss><item><description>one<description>two</description>three</description></item></rss>'],
    ['<rss xmlns:c="http://purl.org/rss/1.0/modules/content/"><item><c:encoded>x</c:encoded><content:encoded>y</content:encoded></item></rss>'],
    ['<a title="x > y" alt=\'"\'>1</a>'],
    ['<a a>same name after the name</a>'],
    ['<a\tb="1"\n/>'],
  ])('reads %j as fast-xml-parser does', (text) => {
    const result = scanned(text);
    expect(result).not.toBe(UNREAD);
    expect(result).toEqual(plain(readWithLibrary(text)));
  });

  it.each([
    ['<a><b></a>'],
    ['<a><b>'],
    ['<a>1</a><b>2</b>'],
    ['<!DOCTYPE a><a/>'],
    ['<a><toString/></a>'],
    ['<a __proto__="x"/>'],
    ['<a><ü/></a>'],
    ['<a title="never closed>'],
    [`${'<a>'.repeat(300)}${'</a>'.repeat(300)}`],
  ])('leaves %.40s to fast-xml-parser', (text) => {
    expect(readWithScanner(text)).toBe(UNREAD);
  });

  it.skipIf(!existsSync(CORPUS))('gives the same tree as fast-xml-parser for every XML file of the corpus it reads', () => {
    let read = 0;
    const differ: string[] = [];
    for (const entry of readdirSync(CORPUS, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const text = decodeFeedBytes(readFileSync(join(entry.parentPath, entry.name))).trimStart();
      if (!text.startsWith('<')) continue;
      const prepared = expandInternalEntities(stripControlCharacters(text));
      const result = scanned(prepared);
      if (result === UNREAD) continue;
      read += 1;
      if (JSON.stringify(result) !== JSON.stringify(plain(readWithLibrary(prepared)))) differ.push(entry.name);
    }
    expect(differ).toEqual([]);
    expect(read).toBeGreaterThan(4000);
  }, 60_000);
});
