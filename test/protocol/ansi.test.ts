import { describe, expect, it } from 'vitest';
import { COMMAND_DONE, stripAnsi } from '../../src/protocol/ansi.ts';

describe('stripAnsi', () => {
  it('removes colours, cursor moves, titles and charset switches, and carriage returns', () => {
    const text = '\u001b[1;32métudiant@qemu\u001b[0m:\u001b]0;title\u0007~$ ls\r\n\u001b[?2004l\u001b(Bfin\u001b=';
    expect(stripAnsi(text)).toBe('étudiant@qemu:~$ ls\nfin');
  });
});

describe('COMMAND_DONE', () => {
  it('finds the exit status in an OSC 133 D mark', () => {
    expect(COMMAND_DONE.exec('out\r\n\u001b]133;D;2\u0007$ ')?.[1]).toBe('2');
    expect(COMMAND_DONE.exec('\u001b]133;A\u0007$ ')).toBeNull();
  });
});
