/**
 * The built deck (dist/): GET and HEAD only, known MIME types, nothing outside the root (no `..`, no
 * encoded slash or NUL, no symlink leading out), index.html for directories and never cached (it names
 * the hashed assets, which may be cached for good).
 */
import { createReadStream, readFileSync, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { LAB_SERVER_META } from '../protocol/messages.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.cast': 'application/x-asciicast',
  '.wasm': 'application/wasm',
};

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${text}\n`);
}

/** The file a URL path names inside root, or undefined when it would leave root or is malformed. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\') || !path.startsWith('/')) return undefined;
  if (path.split('/').some((segment) => segment === '..')) return undefined;
  return join(root, path);
}

/** The deck's index.html, marked as served by the lab server (see LAB_SERVER_META). */
export function markServedPage(html: string): Buffer {
  const meta = `<meta name="${LAB_SERVER_META}" content="1">`;
  return Buffer.from(html.includes('<head>') ? html.replace('<head>', `<head>\n    ${meta}`) : meta + html, 'utf8');
}

export function createStaticHandler(distDir: string): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return plain(response, 405, 'Méthode non autorisée.');
    }
    let root: string;
    try {
      root = realpathSync(distDir);
    } catch {
      return plain(response, 404, 'Diaporama non construit : lancez npm run build (npm start le fait).');
    }
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    let file = resolveInside(root, pathname);
    if (file === undefined) return plain(response, 400, 'Chemin invalide.');
    let size: number;
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      // Symlinks are fine inside dist/, but must not lead out of it.
      const real = realpathSync(file);
      if (real !== root && !real.startsWith(root + sep)) return plain(response, 404, 'Introuvable.');
      const stat = statSync(real);
      if (!stat.isFile()) return plain(response, 404, 'Introuvable.');
      size = stat.size;
      file = real;
    } catch {
      return plain(response, 404, 'Introuvable.');
    }
    const isIndex = file.endsWith(`${sep}index.html`);
    const isHashedAsset = file.startsWith(join(root, 'assets') + sep);
    const body = isIndex ? markServedPage(readFileSync(file, 'utf8')) : undefined;
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body ? body.length : size,
      'Cache-Control': isIndex ? 'no-store' : isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD' || body) {
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  };
}
