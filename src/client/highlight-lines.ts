/**
 * highlight.js returns one HTML string whose spans may cross line ends (a multi-line string in YAML).
 * remark wraps each line in its own <div>, so every line must close the spans it opened and the next line
 * reopen them. Pure string work on hljs output, whose text is already escaped.
 */
const TAG = /<span[^>]*>|<\/span>/g;

export function splitHighlightedLines(html: string): string[] {
  const open: string[] = [];
  return html.split('\n').map((line) => {
    const prefix = open.join('');
    for (const match of line.matchAll(TAG)) {
      if (match[0] === '</span>') open.pop();
      else open.push(match[0]);
    }
    return prefix + line + '</span>'.repeat(open.length);
  });
}
