/**
 * Who may use the labs. Each start draws random secrets: a presenter token (printed in the start URL)
 * and, with --audience, an audience token. A GET carrying a valid token gets an HttpOnly SameSite=Strict
 * cookie holding a different secret, and a 303 to the same URL without the token, so no secret stays in
 * the address bar, the history, a Referer or a WebSocket URL. The presenter cookie drives labs, the
 * audience cookie only watches. Secrets are compared in constant time.
 *
 * Cookie names carry the server's port: a browser sends a host's cookies to every port of it, so two
 * servers on one machine (a rehearsal on 8020, the class on 8021) would otherwise overwrite each other's
 * cookie. Under TLS they also carry the `__Host-` prefix, which makes the browser refuse them unless
 * Secure, Path=/ and without Domain: a page on another port or subdomain cannot plant one.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientRole } from '../protocol/messages.ts';

const PRESENTER_COOKIE = 'co_presenter';
const AUDIENCE_COOKIE = 'co_audience';
/** A hands-on class's student: the cookie holds that student's own secret (students.ts). */
const STUDENT_COOKIE = 'co_student';
const COOKIES: Readonly<Record<ClientRole, string>> = {
  presenter: PRESENTER_COOKIE,
  audience: AUDIENCE_COOKIE,
  student: STUDENT_COOKIE,
};

/** The cookie name for a role on a server listening on `port`. */
export function cookieName(role: ClientRole, port: number, secure: boolean): string {
  return `${secure ? '__Host-' : ''}${COOKIES[role]}_${port}`;
}

/** Who a request is: its role, and for a student, which one (T: the class's student record). */
export interface Identity<T> {
  readonly role: ClientRole;
  readonly student?: T;
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

/** Equal-length digests, so neither the content nor the length of a guess leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

export class Auth<T = never> {
  /** Set by a hands-on class: finds the student a student cookie's secret belongs to. */
  students: { bySecret(secret: string): T | undefined } | undefined;

  readonly presenterToken = secret();
  readonly audienceToken: string | undefined;
  private readonly presenterCookie = secret();
  private readonly audienceCookie = secret();

  /** The port the cookie names carry; set by listen (or by Vite's server) before any request. */
  private port = 0;

  constructor(
    audience: boolean,
    /** Over HTTPS the cookies are Secure and __Host- prefixed, and HSTS is sent. */
    readonly secure = false,
  ) {
    this.audienceToken = audience ? secret() : undefined;
  }

  /** The port browsers reach this server on. */
  setPort(port: number): void {
    this.port = port;
  }

  cookieName(role: ClientRole): string {
    return cookieName(role, this.port, this.secure);
  }

  /** The role a request's cookies grant, if any (presenter wins when both are present). */
  roleOf(request: IncomingMessage): ClientRole | undefined {
    return this.identify(request)?.role;
  }

  /**
   * Who the request's cookies say it is: presenter first, then a student of the current class, then the
   * audience. A student cookie of a class that ended matches no one: the page is audience again.
   */
  identify(request: IncomingMessage): Identity<T> | undefined {
    const cookies = parseCookies(request.headers.cookie);
    const presenter = cookies.get(this.cookieName('presenter'));
    if (presenter !== undefined && sameSecret(presenter, this.presenterCookie)) return { role: 'presenter' };
    const secret = cookies.get(this.cookieName('student'));
    const student = secret === undefined ? undefined : this.students?.bySecret(secret);
    if (student !== undefined) return { role: 'student', student };
    const audience = cookies.get(this.cookieName('audience'));
    if (this.audienceToken !== undefined && audience !== undefined && sameSecret(audience, this.audienceCookie)) {
      return { role: 'audience' };
    }
    return undefined;
  }

  /** Set-Cookie value that makes a browser a student (HttpOnly, as the others). */
  studentCookie(secret: string): string {
    return `${this.cookieName('student')}=${secret}; HttpOnly; SameSite=Strict; Path=/${this.secure ? '; Secure' : ''}`;
  }

  /**
   * Answers a GET that carries `token` or `audience` in its query: 303 + cookie when valid, 403 when not.
   * Returns false (and does nothing) for any other request.
   */
  exchange(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('token');
    const audience = url.searchParams.get('audience');
    if (token === null && audience === null) return false;
    let cookie: string | undefined;
    if (token !== null && sameSecret(token, this.presenterToken)) {
      cookie = `${this.cookieName('presenter')}=${this.presenterCookie}`;
    } else if (
      token === null &&
      audience !== null &&
      this.audienceToken !== undefined &&
      sameSecret(audience, this.audienceToken)
    ) {
      cookie = `${this.cookieName('audience')}=${this.audienceCookie}`;
    }
    if (cookie === undefined) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Jeton invalide : utilisez l’adresse affichée au démarrage du serveur de labs.\n');
      return true;
    }
    url.searchParams.delete('token');
    url.searchParams.delete('audience');
    // Same origin, path only; collapse leading slashes so "//host" cannot become an off-site redirect.
    const location = `${url.pathname.replace(/^\/+/, '/')}${url.search}`;
    response.writeHead(303, {
      Location: location,
      'Set-Cookie': `${cookie}; HttpOnly; SameSite=Strict; Path=/${this.secure ? '; Secure' : ''}`,
      'Content-Type': 'text/plain; charset=utf-8',
    });
    response.end('Connecté.\n');
    return true;
  }
}
