/**
 * What the person starting the server needs to read, in French like the course: the URL to open (with
 * its token), the audience URL when enabled, how shells run, and which labs are ready or why not.
 */
import type { LabInfo } from '../protocol/messages.ts';

export interface StartupFacts {
  readonly url: string;
  readonly audienceUrl: string | undefined;
  readonly sandbox: string;
  readonly labs: readonly LabInfo[];
  readonly warnings: readonly string[];
  /** The audience URL as a QR code for a terminal (classroom): students scan it from the projector. */
  readonly qr?: string;
}

export function formatStartup(facts: StartupFacts): string {
  const lines = ['', 'cours-openstack — serveur de labs', '', `  Ouvrez : ${facts.url}`];
  if (facts.audienceUrl) lines.push(`  Public (lecture seule) : ${facts.audienceUrl}`);
  if (facts.qr)
    lines.push(
      '',
      ...facts.qr
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
    );
  lines.push('', `  Shells : ${facts.sandbox}`, '  Labs :');
  if (facts.labs.length === 0) lines.push('    (aucun : pas de labs/<id>/lab.json)');
  for (const lab of facts.labs) {
    lines.push(
      lab.ready ? `    ✓ ${lab.id} — ${lab.title}` : `    ✗ ${lab.id} — ${lab.title} : ${lab.reason ?? 'pas prêt'}`,
    );
  }
  for (const warning of facts.warnings) lines.push(`  ⚠ ${warning}`);
  lines.push('', '  Ctrl-C arrête le serveur et tous les shells des labs.', '');
  return lines.join('\n');
}
