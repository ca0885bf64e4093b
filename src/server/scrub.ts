/**
 * Secrets out of recordings: what a recording keeps is published with the course, so passwords and
 * tokens typed or printed in a lab are replaced before anything is written.
 */
const HIDDEN = '********';

/** A value: quoted (spaces allowed) or a bare word. */
const VALUE = String.raw`("[^"\n]*"|'[^'\n]*'|[^\s"',};]+)`;
const SECRET_PATTERNS: readonly RegExp[] = [
  // OS_PASSWORD=…, export OS_TOKEN="…", ADMIN_PASSWORD=…
  new RegExp(String.raw`((?:OS_[A-Z_]*(?:PASSWORD|TOKEN|SECRET)[A-Z_]*|[A-Z_]*_PASSWORD)\s*=\s*)${VALUE}`, 'g'),
  // --os-password …, --password=…, password: … (clouds.yaml), X-Auth-Token: …
  new RegExp(String.raw`(--(?:os-)?(?:password|token|secret)[= ]+)${VALUE}`, 'gi'),
  new RegExp(String.raw`((?:password|secret|token)["']?\s*:\s*)${VALUE}`, 'gi'),
  new RegExp(String.raw`(X-(?:Auth|Subject)-Token:\s*)${VALUE}`, 'gi'),
];
/** Keystone's Fernet tokens ("gAAAAA…"), as `openstack token issue` prints them. */
const FERNET = /gAAAAA[A-Za-z0-9_-]{20,}={0,2}/g;

export function scrubSecrets(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, (_, prefix: string) => `${prefix}${HIDDEN}`);
  return result.replace(FERNET, HIDDEN);
}
