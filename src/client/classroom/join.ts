/**
 * Joining a hands-on class: POST JOIN_PATH with the display name. The answer is a JoinAnswer (the server's
 * French message and hint on a refusal); a network failure or an answer of another shape becomes one too,
 * so the form always has something to show and never loses what was typed.
 */
import { JOIN_PATH, normalizeName, type JoinAnswer } from '../../protocol/classroom.ts';

const OFFLINE: JoinAnswer = {
  ok: false,
  code: 'OFFLINE',
  message: 'Le serveur de labs ne répond pas.',
  hint: 'Vérifiez la connexion au réseau de la salle, puis réessayez.',
};

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The server's answer, if it has the shape classroom.ts declares. */
export function parseJoinAnswer(body: unknown): JoinAnswer | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  if (fields['ok'] === true) {
    const student = fields['student'];
    if (typeof student !== 'object' || student === null) return undefined;
    const id = text((student as Record<string, unknown>)['id']);
    const name = text((student as Record<string, unknown>)['name']);
    return id && name ? { ok: true, student: { id, name } } : undefined;
  }
  const code = text(fields['code']);
  const message = text(fields['message']);
  if (fields['ok'] !== false || !code || !message) return undefined;
  const hint = text(fields['hint']);
  return hint === undefined ? { ok: false, code, message } : { ok: false, code, message, hint };
}

export async function joinClass(raw: string): Promise<JoinAnswer> {
  // The same rule as the server's: a name it would refuse is refused here, without a request.
  const checked = normalizeName(raw);
  if (!checked.ok) return { ok: false, code: 'NAME_INVALID', message: checked.problem };
  try {
    const response = await fetch(JOIN_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: checked.name }),
    });
    const answer = parseJoinAnswer(await response.json().catch(() => undefined));
    return (
      answer ?? {
        ok: false,
        code: 'INTERNAL',
        message: `Réponse inattendue du serveur de labs (HTTP ${response.status}).`,
      }
    );
  } catch {
    return OFFLINE;
  }
}
