/** A small well-formedness check for generated HTML/SVG: every opened element is closed in order. */
const VOID_ELEMENTS = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'wbr']);

export function unbalancedTags(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  const withoutText = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<style>[\s\S]*?<\/style>/g, '<style></style>');
  for (const match of withoutText.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const [, closing, rawName, rest] = match;
    const name = (rawName ?? '').toLowerCase();
    if (closing === '/') {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (!(rest ?? '').trimEnd().endsWith('/') && !VOID_ELEMENTS.has(name)) {
      stack.push(name);
    }
  }
  return [...problems, ...stack.map((name) => `<${name}> never closed`)];
}
