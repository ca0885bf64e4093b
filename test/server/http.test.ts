import { symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/server/http.ts';
import { startLabServer, type TestServer } from '../helpers/lab-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startLabServer();
  symlinkSync('/etc/passwd', join(server.distDir, 'passwd-link'));
});
afterAll(async () => {
  await server?.close();
});

/** A raw GET: fetch() would normalise `..` before it leaves. */
function raw(
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const EXPECTED_CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

describe('serving the deck', () => {
  it('sends the CSP and the security headers on every response, errors included', async () => {
    expect(CONTENT_SECURITY_POLICY).toBe(EXPECTED_CSP);
    for (const path of ['/', '/assets/deck-abc123.js', '/missing', '/api/status', '/?token=wrong', '/%zz']) {
      const { headers } = await raw(path);
      expect(headers['content-security-policy'], path).toBe(EXPECTED_CSP);
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['referrer-policy'], path).toBe('no-referrer');
      expect(headers['x-frame-options'], path).toBe('DENY');
      // HSTS only under TLS (classroom.test.ts): over plain HTTP it would be ignored, or worse, wrong.
      expect(headers['strict-transport-security'], path).toBeUndefined();
    }
  });

  it('serves files with their MIME type; index.html is never cached, hashed assets are', async () => {
    const index = await raw('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-store');
    expect(index.body).toContain('<title>deck</title>');
    const types: Record<string, string> = {
      '/assets/deck-abc123.js': 'text/javascript; charset=utf-8',
      '/assets/deck-abc123.css': 'text/css; charset=utf-8',
      '/img/figure.svg': 'image/svg+xml',
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await raw(path);
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type'], path).toBe(type);
    }
    expect((await raw('/assets/deck-abc123.js')).headers['cache-control']).toContain('immutable');
    const head = await raw('/img/figure.svg', 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it('never leaves the deck directory', async () => {
    for (const path of [
      '/../package.json',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/..%5c..%5cpackage.json',
      '/%00index.html',
      '/passwd-link',
      '/%zz',
    ]) {
      const response = await raw(path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.body, path).not.toContain('"name"');
      expect(response.body, path).not.toContain('root:');
    }
  });

  it('answers only GET and HEAD', async () => {
    const response = await raw('/', 'POST');
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD');
  });
});
