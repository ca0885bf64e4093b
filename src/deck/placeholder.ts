/**
 * A figure a slide names but img/ does not have yet is shown as a framed placeholder carrying its
 * alternative text, never as a broken image: the build warns and ships this SVG in its place.
 */
const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

const LINE_CHARS = 56;
const MAX_LINES = 3;

/** Greedy word wrap; the last line ends with an ellipsis when the text is longer than the box. */
export function wrapWords(text: string, width = LINE_CHARS, maxLines = MAX_LINES): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last + ' ' + word).length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1] ?? ''} …`;
  return kept;
}

export function figurePlaceholder(alt: string): string {
  const text = alt.trim() || 'figure';
  const lines = wrapWords(text).map(
    (line, i) =>
      `<text x="400" y="${165 + i * 30}" text-anchor="middle" font-family="'Fira Sans', sans-serif" font-size="22" fill="#5b6770">${escapeXml(line)}</text>`,
  );
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 300">',
    `<title>Figure à venir : ${escapeXml(text)}</title>`,
    '<rect x="4" y="4" width="792" height="292" rx="14" fill="#f3efe7" stroke="#b7472a" stroke-width="3" stroke-dasharray="14 10"/>',
    '<text x="400" y="110" text-anchor="middle" font-family="\'Fira Sans\', sans-serif" font-size="30" fill="#1e2a33">Figure à venir</text>',
    ...lines,
    '</svg>',
  ].join('');
}
