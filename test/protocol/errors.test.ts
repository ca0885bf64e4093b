import { describe, expect, it } from 'vitest';
import { ERRORS, errorValue, isErrorCode } from '../../src/protocol/errors.ts';

describe('error codes', () => {
  it('are upper-case identifiers, each with a French sentence', () => {
    for (const [code, text] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(text.message).toMatch(/^[A-ZÉ].+[.:]?$/);
      expect(isErrorCode(code)).toBe(true);
    }
    expect(isErrorCode('toString')).toBe(false);
  });

  it('make values with a detail, or with a message and hint of their own', () => {
    expect(errorValue('UNKNOWN_LAB', { detail: 'qemu' })).toEqual({
      code: 'UNKNOWN_LAB',
      message: 'Lab inconnu : qemu',
    });
    expect(errorValue('LAB_TOOL_MISSING', { message: 'qemu-img manquant' })).toEqual({
      code: 'LAB_TOOL_MISSING',
      message: 'qemu-img manquant',
      hint: 'lancez npm run setup',
    });
    expect(errorValue('VERSION_MISMATCH').hint).toContain('Rechargez');
  });
});
