/**
 * remark's `?` help lists its own keys; the terminals add two: how to type in one, and how to leave it.
 * Rows built with the DOM (no HTML strings), in the help's own table and style.
 */
const ROWS: readonly (readonly [readonly string[], string])[] = [
  [['clic'], 'Donner le clavier à un terminal de lab (p, c, espace y vont alors au shell)'],
  [['Échap', 'Échap'], 'Rendre le clavier au diaporama depuis un terminal'],
];

export function addTerminalHelp(root: ParentNode = document): void {
  const table = root.querySelector('.remark-help-content table');
  if (!table || table.querySelector('[data-terminal-help]')) return;
  for (const [keys, text] of ROWS) {
    const row = document.createElement('tr');
    row.dataset['terminalHelp'] = '';
    const keyCell = document.createElement('td');
    keys.forEach((key, i) => {
      if (i > 0) keyCell.append(' ');
      const span = document.createElement('span');
      span.className = 'key';
      span.textContent = key;
      keyCell.append(span);
    });
    const textCell = document.createElement('td');
    textCell.textContent = text;
    row.append(keyCell, textCell);
    table.append(row);
  }
}
