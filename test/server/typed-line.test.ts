import { describe, expect, it } from 'vitest';
import { TypedLine } from '../../src/server/typed-line.ts';

describe('the line a person typed', () => {
  it('follows characters, Backspace, Ctrl-U and Ctrl-C until Enter, across chunks', () => {
    const line = new TypedLine();
    expect(line.feed('openstack serv')).toEqual([]);
    expect(line.feed('er lisx\u007ft\r')).toEqual(['openstack server list']);
    expect(line.feed('rm -rf /\u0015ls\r')).toEqual(['ls']);
    expect(line.feed('oops\u0003')).toEqual([]);
    expect(line.feed('\r')).toEqual(['']);
  });

  it('marks a line it could not follow (arrows, history, Tab) as approximate', () => {
    const line = new TypedLine();
    expect(line.feed('\u001b[Aopenstack\r')).toEqual(['openstack …']);
    expect(line.feed('virsh li\tst\r')).toEqual(['virsh list …']);
    expect(line.feed('\u001bOAls\r')).toEqual(['ls …']);
    expect(line.feed('plain\r')).toEqual(['plain']);
  });
});
