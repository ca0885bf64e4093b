/**
 * POST /api/join: an audience page of a hands-on class asks to become a student, with a display name.
 * Same checks as the WebSocket door (exact Origin, a valid cookie), a small JSON body, and an answer the
 * page shows as it is: JoinAnswer, French message and hint included. On success the student cookie is
 * set; the page then reconnects its WebSocket, which the gateway now identifies as that student.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JoinAnswer } from '../protocol/classroom.ts';
import { errorValue, type ErrorCode } from '../protocol/errors.ts';
import type { Auth } from './auth.ts';
import type { HandsOn } from './hands-on.ts';
import type { Student } from './students.ts';

/** A name is short: anything past this is not a join request. */
const MAX_BODY_BYTES = 1024;

function answer(response: ServerResponse, status: number, body: JoinAnswer, cookie?: string): void {
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...(cookie === undefined ? {} : { 'Set-Cookie': cookie }),
  });
  response.end(JSON.stringify(body));
}

function refuse(response: ServerResponse, status: number, code: ErrorCode, detail?: string): void {
  answer(response, status, { ok: false, ...errorValue(code, detail === undefined ? {} : { detail }) });
}

export function handleJoin(
  request: IncomingMessage,
  response: ServerResponse,
  auth: Auth<Student>,
  handsOn: HandsOn | undefined,
  origins: () => ReadonlySet<string>,
): void {
  if (request.method !== 'POST') return refuse(response, 405, 'BAD_MESSAGE', 'POST attendu');
  const origin = request.headers.origin;
  if (origin === undefined || !origins().has(origin)) return refuse(response, 403, 'BAD_MESSAGE', 'origine refusée');
  if (!handsOn) return refuse(response, 403, 'NOT_HANDS_ON');
  const identity = auth.identify(request);
  if (!identity || identity.role === 'presenter') {
    return refuse(response, 403, 'BAD_MESSAGE', 'ouvrez l’adresse du public (ou son QR code) pour rejoindre la classe');
  }
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    return refuse(response, 415, 'BAD_MESSAGE', 'JSON attendu');
  }
  let body = '';
  let tooLarge = false;
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > MAX_BODY_BYTES && !tooLarge) {
      tooLarge = true;
      refuse(response, 413, 'TOO_LARGE');
      request.destroy();
    }
  });
  request.on('end', () => {
    if (tooLarge) return;
    let name: unknown;
    try {
      const parsed: unknown = JSON.parse(body);
      name = typeof parsed === 'object' && parsed !== null && 'name' in parsed ? parsed.name : undefined;
    } catch {
      return refuse(response, 400, 'BAD_JSON');
    }
    const result = handsOn.join(name, identity.student);
    answer(
      response,
      result.status,
      result.answer,
      result.secret === undefined ? undefined : auth.studentCookie(result.secret),
    );
  });
  request.on('error', () => response.destroy());
}
