/**
 * GET /api/status: what a page served by the lab server asks before opening the WebSocket. No answer means
 * offline; `role: null` means the page was not opened with the start URL's token (its cookie is missing).
 * Declared once, here: the server writes a StatusBody, the page reads it with parseStatusBody.
 */
import { array, nullable, object, optional, text, type Infer } from './schema.ts';
import { clientRole, labInfo, version } from './wire-fields.ts';

export const STATUS_PATH = '/api/status';

const statusBody = object(
  {
    version,
    /** null: this page has no valid cookie (not opened with the start URL's token); labs are then not listed. */
    role: nullable(clientRole),
    labs: array(labInfo),
    /** Why, in French, when role is null. */
    error: optional(text(1, 500)),
  },
  // Unlike a frame, a status answer may carry more than this page knows (a newer server): the page only
  // needs the role, and a version mismatch is then reported by hello/welcome, with what to do.
  { unknown: 'ignore' },
);
export type StatusBody = Infer<typeof statusBody>;

/** The body of a GET /api/status answer, or undefined when it is not one (then: offline). */
export function parseStatusBody(body: unknown): StatusBody | undefined {
  const checked = statusBody.check(body);
  return checked.ok ? checked.value : undefined;
}
