import { describe, expect, it } from 'vitest';
import { isHardwareRenderer } from '../../src/client/pane/renderer.ts';

describe('isHardwareRenderer', () => {
  it('accepts GPU renderer strings', () => {
    expect(isHardwareRenderer('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)')).toBe(true);
    expect(isHardwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(true);
    expect(isHardwareRenderer('Apple M2')).toBe(true);
  });

  it('refuses software rasterisers and an unknown renderer', () => {
    expect(
      isHardwareRenderer(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe(false);
    expect(isHardwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(false);
    expect(isHardwareRenderer('Microsoft Basic Render Driver')).toBe(false);
    expect(isHardwareRenderer('')).toBe(false);
  });
});
