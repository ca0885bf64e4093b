/**
 * HTTP side of the lab server: security headers on every response, the token-for-cookie exchange,
 * GET /api/status for the pane, then the built deck. The same pieces (minus the CSP, which Vite's
 * injected dev scripts would break) serve as middleware inside `npm run dev`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JOIN_PATH } from '../protocol/classroom.ts';
import { PROTOCOL_VERSION } from '../protocol/limits.ts';
import type { LabInfo } from '../protocol/messages.ts';
import { STATUS_PATH, type StatusBody } from '../protocol/status.ts';
import type { Auth } from './auth.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Sent on every response, errors and redirects included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Under TLS: browsers that reached this host over HTTPS refuse plain HTTP to it for this long (a year,
 * the usual value; no includeSubDomains, the server owns no subdomain). Browsers ignore it on IP addresses.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

/**
 * Handles what the lab server owns (token exchange, /api/status, and `join` for JOIN_PATH); returns
 * false for anything else.
 */
export function createApiHandler<T>(
  auth: Auth<T>,
  labs: () => readonly LabInfo[],
  join?: Handler,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (auth.secure) response.setHeader('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
    if (auth.exchange(request, response)) return true;
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === JOIN_PATH && join) {
      join(request, response);
      return true;
    }
    if (pathname !== STATUS_PATH) return false;
    if (request.method !== 'GET') {
      json(response, 405, { error: 'GET attendu' });
      return true;
    }
    const role = auth.roleOf(request);
    if (!role) {
      const body: StatusBody = {
        version: PROTOCOL_VERSION,
        role: null,
        labs: [],
        error: 'Non connecté : ouvrez l’adresse affichée au démarrage du serveur de labs.',
      };
      json(response, 200, body);
      return true;
    }
    const body: StatusBody = { version: PROTOCOL_VERSION, role, labs: labs() };
    json(response, 200, body);
    return true;
  };
}

/** The standalone server's request handler: CSP and the API first, then the deck's files. */
export function createRequestHandler(api: ReturnType<typeof createApiHandler>, files: Handler): Handler {
  return (request, response) => {
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    try {
      if (api(request, response)) return;
      files(request, response);
    } catch {
      // A malformed request must not take the server down; it gets a bare 400.
      if (!response.headersSent) response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Requête invalide.\n');
    }
  };
}
