import { describe, expect, it } from 'vitest';
import { parseLabDefinition } from '../../src/protocol/lab-definition.ts';
import { PromptTracker } from '../../src/server/prompt-tracker.ts';
import { runRefusal } from '../../src/server/run-gate.ts';

const MARK = '\u001b]133;D;0\u0007';
const out = (tracker: PromptTracker, ...chunks: string[]): void => {
  for (const chunk of chunks) tracker.output(Buffer.from(chunk, 'utf8'));
};

describe('the prompt tracker', () => {
  it('never calls busy a shell whose prompt has no mark', () => {
    const tracker = new PromptTracker();
    out(tracker, 'lab$ ');
    tracker.ran('a');
    tracker.typed('ls\r');
    expect(tracker.state).toEqual({ atPrompt: true });
  });

  it('is busy from a run or an Enter at the prompt until the next mark', () => {
    const tracker = new PromptTracker();
    out(tracker, `${MARK}lab$ `);
    tracker.typed('ls -l');
    expect(tracker.state).toEqual({ atPrompt: true });
    tracker.typed('\r');
    expect(tracker.state).toEqual({ atPrompt: false, commandId: undefined });
    out(tracker, 'total 0\r\n', `${MARK}lab$ `);
    tracker.ran('boot');
    // Keys typed into the running program do not change what runs.
    tracker.typed('\r');
    tracker.ran('other');
    expect(tracker.state).toEqual({ atPrompt: false, commandId: 'boot' });
    out(tracker, 'SeaBIOS\r\n', 'root@tiny:/# ');
    expect(tracker.state.atPrompt).toBe(false);
    out(tracker, `\r\n${MARK.replace('0', '130')}lab$ `);
    expect(tracker.state).toEqual({ atPrompt: true });
  });

  it('sees a mark split over chunks, down to one byte each, and never counts an old mark twice', () => {
    const tracker = new PromptTracker();
    out(tracker, `${MARK}lab$ `);
    tracker.ran('a');
    out(tracker, ...`output\r\n${MARK}lab$ `.split(''));
    expect(tracker.state.atPrompt).toBe(true);
    out(tracker, `x${MARK}`);
    tracker.ran('b');
    // The mark just before the run is in the tracker's tail: the next chunk must not count it again.
    out(tracker, 'running');
    expect(tracker.state).toEqual({ atPrompt: false, commandId: 'b' });
    out(tracker, '\u001b]133;D;', '1');
    expect(tracker.state.atPrompt).toBe(false);
    out(tracker, '\u0007');
    expect(tracker.state.atPrompt).toBe(true);
  });

  it('ignores what only looks like a mark', () => {
    const tracker = new PromptTracker();
    out(tracker, MARK);
    tracker.ran('a');
    out(tracker, '\u001b]133;D;\u0007', '\u001b]133;D;12345\u0007', '\u001b]133;A\u0007', 'echo "\\e]133;D;0\\a"');
    expect(tracker.state.atPrompt).toBe(false);
  });

  it('forgets the running command when the shell restarts', () => {
    const tracker = new PromptTracker();
    out(tracker, MARK);
    tracker.ran('a');
    tracker.restarted();
    expect(tracker.state).toEqual({ atPrompt: true });
  });
});

describe('the run gate', () => {
  const lab = parseLabDefinition(
    {
      id: 'x',
      title: 'X',
      shell: ['/bin/bash', '-i'],
      commands: {
        ls: 'ls',
        long: 'sleep 100',
        boot: {
          text: 'qemu-system-x86_64 -nographic',
          holds: { what: 'la VM tourne dans ce terminal', leave: 'Ctrl-A X pour quitter qemu', guest: true },
        },
        monitor: { text: 'top', holds: { what: 'top occupe ce terminal', leave: 'q pour en sortir' } },
        uname: { text: 'uname -a', target: 'guest' },
      },
    },
    'x',
    '/labs/x',
    'labs/x/lab.json',
    [],
  );
  const busy = (commandId?: string) => ({ atPrompt: false as const, commandId });

  it('types host commands at the prompt, and guest commands only into a console that holds the guest', () => {
    expect(runRefusal(lab, 'ls', { atPrompt: true }, 'bash')).toBeUndefined();
    expect(runRefusal(lab, 'uname', busy('boot'), 'qemu-system-x86_64')).toBeUndefined();
    expect(runRefusal(lab, 'uname', { atPrompt: true }, 'bash')).toEqual({
      reason: 'no-guest',
      message: 'la VM ne tourne pas dans ce terminal : le ▶ de « qemu-system-x86_64 -nographic » la démarre',
    });
    expect(runRefusal(lab, 'uname', busy('monitor'), 'top')).toMatchObject({
      reason: 'busy',
      message: 'top occupe ce terminal : q pour en sortir',
    });
  });

  it('says what holds the terminal: a declared program, the same program typed by hand, or any other', () => {
    const vm = {
      reason: 'busy',
      program: 'qemu-system-x86_64',
      message: 'la VM tourne dans ce terminal : Ctrl-A X pour quitter qemu',
    };
    expect(runRefusal(lab, 'ls', busy('boot'), 'qemu-system-x86_64')).toEqual(vm);
    expect(runRefusal(lab, 'ls', busy(undefined), '/usr/bin/qemu-system-x86_64')).toEqual(vm);
    // Just typed by ▶: the shell has not started it yet, its name comes from the command.
    expect(runRefusal(lab, 'ls', busy('boot'), 'bash')).toEqual(vm);
    expect(runRefusal(lab, 'ls', busy('long'), 'sleep')).toEqual({
      reason: 'busy',
      program: 'sleep',
      message: 'une commande tourne encore (sleep) : attendez sa fin ou Ctrl-C',
    });
    expect(runRefusal(lab, 'ls', busy(undefined), 'bash')).toEqual({
      reason: 'busy',
      message: 'une commande tourne encore : attendez sa fin ou Ctrl-C',
    });
    expect(runRefusal(lab, 'ls', busy(undefined), undefined)).toEqual({
      reason: 'busy',
      message: 'une commande tourne encore : attendez sa fin ou Ctrl-C',
    });
  });
});

describe('the exit status a mark carries', () => {
  it('is returned for the last mark of a chunk, split marks included', () => {
    const tracker = new PromptTracker();
    expect(tracker.output(Buffer.from('out\u001b]133;D;0\u0007$ '))).toBe(0);
    expect(tracker.output(Buffer.from('no mark here'))).toBeUndefined();
    expect(tracker.output(Buffer.from('a\u001b]133;D;1\u0007b\u001b]133;D;127\u0007$ '))).toBe(127);
    expect(tracker.output(Buffer.from('x\u001b]133;'))).toBeUndefined();
    expect(tracker.output(Buffer.from('D;2\u0007$ '))).toBe(2);
  });
});
