import { describe, expect, it } from 'vitest';
import { nameKey, normalizeName, roomStudent, studentRoom } from '../../src/protocol/classroom.ts';
import { parseClientMessage, parseServerMessage } from '../../src/protocol/validate.ts';

describe('display names', () => {
  it("keeps letters of any script, digits, spaces and - ' . _, trimmed and with single spaces", () => {
    expect(normalizeName('  Zoé   Dupont-Lefèvre ')).toEqual({ ok: true, name: 'Zoé Dupont-Lefèvre' });
    expect(normalizeName("O'Neil J.")).toEqual({ ok: true, name: "O'Neil J." });
    expect(normalizeName('Łukasz_2')).toEqual({ ok: true, name: 'Łukasz_2' });
  });

  it('refuses what is empty, too long, or could pass for markup or a control sequence, in French', () => {
    for (const bad of ['', '   ', '<b>', 'a\u001b[31m', 'x'.repeat(41), 42, undefined]) {
      const result = normalizeName(bad);
      expect(result.ok, String(bad)).toBe(false);
      if (!result.ok) expect(result.problem).toMatch(/nom|Nom|Lettres|texte/);
    }
  });

  it('treats names that differ by case or accents as the same person', () => {
    expect(nameKey('Zoé')).toBe(nameKey('ZOE'));
    expect(nameKey('Zoé')).not.toBe(nameKey('Zoa'));
  });
});

describe('student rooms', () => {
  it('name a student’s room from their id, and only such rooms back', () => {
    expect(studentRoom('abc123')).toBe('eleve-abc123');
    expect(roomStudent('eleve-abc123')).toBe('abc123');
    expect(roomStudent('main')).toBeUndefined();
    expect(roomStudent('eleve-ABC')).toBeUndefined();
  });
});

describe('class messages on the wire', () => {
  it('accept the hands-on messages and refuse malformed ones', () => {
    expect(parseClientMessage('{"type":"end-class"}')).toMatchObject({ ok: true });
    expect(parseClientMessage('{"type":"end-class","all":true}')).toMatchObject({
      ok: false,
      error: { code: 'BAD_MESSAGE' },
    });
    const roster = {
      type: 'class',
      students: [
        {
          id: 'a1',
          name: 'Zoé',
          connected: true,
          slide: 4,
          labs: ['shell'],
          last: { lab: 'shell', text: 'ls', exit: 0 },
        },
      ],
    };
    expect(parseServerMessage(JSON.stringify(roster))).toEqual({ ok: true, message: roster });
    expect(
      parseServerMessage(
        JSON.stringify({ type: 'class', students: [{ id: 'A!', name: 'x', connected: true, labs: [] }] }),
      ),
    ).toMatchObject({ ok: false });
    expect(parseServerMessage('{"type":"watched","channel":1,"watching":true}')).toMatchObject({ ok: true });
    expect(
      parseServerMessage(
        '{"type":"welcome","version":1,"role":"student","labs":[],"handsOn":true,"student":{"id":"a1","name":"Zoé"}}',
      ),
    ).toMatchObject({ ok: true });
  });
});
