/**
 * The classroom's network side, resolved with the config: which LAN address to listen on, and the TLS
 * certificate and key when given. Problems are ConfigErrors naming the flag.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { ConfigError } from './config-error.ts';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** The first non-internal IPv4 address of this machine: where students' laptops can reach it. */
export function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`--${flag} : ${path} illisible (${(error as NodeJS.ErrnoException).code ?? 'erreur'})`);
  }
}

/** Both files or neither; each must hold what its flag says, and the key must match the certificate. */
export function readTls(certPath: string | undefined, keyPath: string | undefined): TlsFiles | undefined {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) throw new ConfigError('--tls-cert et --tls-key vont ensemble');
  const cert = readPem('tls-cert', certPath);
  const key = readPem('tls-key', keyPath);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`--tls-cert : ${certPath} n’est pas un certificat PEM`);
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(key))) throw new Error('mismatch');
  } catch {
    throw new ConfigError(`--tls-key : ${keyPath} n’est pas la clé privée du certificat ${certPath}`);
  }
  return { cert, key };
}
