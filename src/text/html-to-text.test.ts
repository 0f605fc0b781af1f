import { describe, expect, it } from 'vitest';
import { NAMED_ENTITY_COUNT } from './html-entities.ts';
import { decodeEntities, foldSpaces, htmlToText } from './html-to-text.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

describe('decodeEntities', () => {
  it.each([
    ['named', 'Fish &amp; Chips &lt;3 &eacute;t&eacute; &hellip;', 'Fish & Chips <3 été …'],
    ['decimal and hexadecimal', '&#8217; &#x2019; &#X41;', '\u2019 \u2019 A'],
    ['windows-1252 code points in numeric references', '&#147;quoted&#148; &#150;', '\u201cquoted\u201d \u2013'],
    ['unknown names stay as written', 'testing &doesnotexist; entity', 'testing &doesnotexist; entity'],
    ['references without a semicolon stay as written', 'a=1&b=2&c', 'a=1&b=2&c'],
    ['invalid code points become U+FFFD', '&#0; &#xD800; &#x110000;', '\uFFFD \uFFFD \uFFFD'],
    ['only once', '&amp;lt;script&amp;gt;', '&lt;script&gt;'],
  ])('decodes %s', (_, input, expected) => {
    expect(decodeEntities(input)).toBe(expected);
  });

  it('knows the whole HTML 4 table (252 names and &apos;)', () => {
    expect(NAMED_ENTITY_COUNT).toBe(253);
    expect(decodeEntities('&lang;&rang;&crarr;&thetasym;&alefsym;&Yuml;&yuml;')).toBe('\u2329\u232a\u21b5\u03d1\u2135\u0178\u00ff');
  });
});

describe('htmlToText', () => {
  it.each([
    ['strips tags and folds whitespace', '<p>Hello   <b>big</b>\n\tworld</p>', 'Hello big world'],
    ['drops script and style content', 'a<script>alert("x")</script>b<style>p{}</style>c<SCRIPT type="x">y</SCRIPT>d', 'abcd'],
    ['turns blocks and <br> into spaces', 'one<br>two<p>three</p><li>four</li>', 'one two three four'],
    ['decodes entities once', '&amp;lt;script&amp;gt;', '&lt;script&gt;'],
    ['keeps an escaped tag as text', '&lt;script&gt;alert(1)&lt;/script&gt;', '<script>alert(1)</script>'],
    ['keeps a lone < as text', '1 < 2 and 3<4', '1 < 2 and 3<4'],
    ['keeps an unterminated declaration as text', '&lt;!DOCTYPE ~', '<!DOCTYPE ~'],
    ['drops comments', 'a<!-- hidden <b>x</b> -->b', 'ab'],
    ['ends an unterminated comment at the next >', 'sa<!-- -- nonwhitespace >fe<script>alert(1);</script>', 'safe'],
    ['keeps the text after an element that is never closed', 'safe<object classid="x"> description', 'safe description'],
    ['reads CDATA as text', 'a <![CDATA[<b>not a tag</b>]]> b', 'a <b>not a tag</b> b'],
    ['treats > inside quoted attributes as part of the tag', '<a title="x > y" href="/">link</a>', 'link'],
    ['separates table cells', '<table><tr><td>a</td><td>b</td></tr></table>', 'a b'],
    ['folds non-breaking spaces', 'a&nbsp;&nbsp;b', 'a b'],
    ['handles namespaced tags', '<xhtml:p>x</xhtml:p><o:p></o:p>y', 'x y'],
    ['returns empty text for empty input', '', ''],
  ])('%s', (_, html, expected) => {
    expect(htmlToText(html)).toBe(expected);
  });

  it('keeps paragraphs and line breaks when asked', () => {
    const html = '<h2>Title</h2>\n<p>First   line<br>second line</p><p>Next\nparagraph</p><ul><li>a</li><li>b</li></ul>';
    expect(htmlToText(html, { keepParagraphs: true })).toBe('Title\n\nFirst line\nsecond line\n\nNext paragraph\n\na\nb');
  });

  it.each([
    ['unclosed comments', '<!--'],
    ['unclosed declarations', '<!x'],
    ['unclosed script tags', '<script>'],
    ['tags with unclosed quotes', '<a "'],
    ['lone ampersands', '&#'],
  ])('stays linear on a flood of %s', (_, unit) => {
    const started = performance.now();
    htmlToText(unit.repeat(100_000));
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('foldSpaces', () => {
  it.each([
    [''], [' '], ['a'], ['a b'], [' a'], ['a '], ['a  b'], ['a\tb'], ['a\nb'], ['a\u00a0b'], ['a\u2029b'], ['a\ufeffb'],
    ['a\u0085b'], ['\u3000a b\u3000'], ['folded already, with words'], ['x \r\n y'],
  ])('folds %j as replacing every \\s run and trimming would', (text) => {
    expect(foldSpaces(text)).toBe(text.replace(/\s+/g, ' ').trim());
  });

  it('folds random mixes of every kind of whitespace as replacing every \\s run and trimming would', () => {
    const random = seededRandom(20261202);
    const pieces = ['a', 'bc', 'é', '—', '\u0085', '\u200b', ...' \t\n\v\f\r\u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'];
    for (let run = 0; run < 2_000; run++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      expect(foldSpaces(text), JSON.stringify(text)).toBe(text.replace(/\s+/g, ' ').trim());
    }
  });
});
