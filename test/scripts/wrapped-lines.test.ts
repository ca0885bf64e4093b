import { describe, expect, it } from 'vitest';
import { PageScreen } from '../../scripts/lib/page-screen.ts';
import { rowsBuffer, wrappedLines } from '../../scripts/lib/wrapped-lines.ts';

describe('wrappedLines', () => {
  it('names each output line wider than the terminal once, not the command lines the shell wraps', async () => {
    const screen = new PageScreen(20, 5);
    try {
      screen.write(`étudiant@qemu:~$ echo ${'c'.repeat(30)}\r\n`);
      screen.write(`${'a'.repeat(45)}\r\nshort\r\n${'b'.repeat(21)}\r\n`);
      expect(await screen.wrappedSince(0)).toEqual(['a'.repeat(20), 'b'.repeat(20)]);
      const row = await screen.row();
      screen.write(`${'d'.repeat(25)}\r\n`);
      expect(await screen.wrappedSince(row)).toEqual(['d'.repeat(20)]);
    } finally {
      screen.dispose();
    }
  });

  it('reads rows taken out of a page the same way', () => {
    const rows = [
      { isWrapped: false, text: 'x'.repeat(10) },
      { isWrapped: true, text: 'x' },
      { isWrapped: false, text: 'moi@poste:~$ ls' },
      { isWrapped: true, text: 'more' },
      { isWrapped: false, text: 'done' },
    ];
    expect(wrappedLines(rowsBuffer(rows))).toEqual(['x'.repeat(10)]);
  });
});
