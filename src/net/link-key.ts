/**
 * The form in which two links to one page compare equal, for finding an item by a link someone pasted: the scheme
 * (http or https), the case of the host, a leading `www.`, a default port and trailing slashes do not count;
 * the path, query and fragment do. Accepts a link as pasted: in `<…>` (with Slack's `|label`), without a scheme.
 */
export function linkKey(text: string): string | undefined {
  let value = text.trim();
  const bracketed = /^<([^<>]*)>$/su.exec(value);
  if (bracketed !== null) value = bracketed[1]!.split('|')[0]!.trim();
  if (value === '') return undefined;
  if (!/^[a-z][a-z0-9+.-]*:/iu.test(value)) value = `https://${value}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  const host = url.hostname.replace(/^www\./u, '');
  const port = url.port === '' || url.port === '80' || url.port === '443' ? '' : `:${url.port}`;
  return `${host}${port}${url.pathname.replace(/\/+$/u, '')}${url.search}${url.hash}`;
}
