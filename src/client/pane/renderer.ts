/**
 * Picks the pane's renderer: xterm's WebGL addon on a real GPU, its DOM renderer otherwise. Measured in
 * Chromium on this project's machines, software GL (SwiftShader, llvmpipe) draws slower than the DOM
 * renderer (64 vs 89 MB/s), so WebGL is only worth it when a GPU does the work.
 */
import { WebglAddon } from '@xterm/addon-webgl';
import type { Terminal } from '@xterm/xterm';

export type RendererKind = 'webgl' | 'dom';

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/** True when the GL renderer string names a real GPU rather than a software rasteriser. */
export function isHardwareRenderer(renderer: string): boolean {
  return renderer.trim() !== '' && !SOFTWARE_GL.test(renderer);
}

function glRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return '';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return typeof name === 'string' ? name : '';
}

/**
 * Loads WebGL on an opened terminal when a GPU is there; any failure, now or later (a lost context),
 * falls back quietly to the DOM renderer. `onChange` reports which renderer draws.
 */
export function loadRenderer(terminal: Terminal, onChange: (kind: RendererKind) => void): () => void {
  let addon: WebglAddon | undefined;
  const fallBack = (): void => {
    addon?.dispose();
    addon = undefined;
    onChange('dom');
  };
  try {
    if (!isHardwareRenderer(glRenderer())) {
      onChange('dom');
      return () => undefined;
    }
    addon = new WebglAddon();
    addon.onContextLoss(fallBack);
    terminal.loadAddon(addon);
    onChange('webgl');
  } catch {
    fallBack();
  }
  return () => addon?.dispose();
}
