import { execFileSync } from 'node:child_process';

// Throwaway TLS material for the tests, made by the openssl CLI (as an operator would), valid for a day.

/** Runs `openssl …args` in `dir`; its output is kept, so a failure says why. */
export function openssl(dir: string, ...args: string[]): Buffer {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A self-signed certificate for `subject` and its unencrypted RSA key, as `files.cert` and `files.key` in `dir`. */
export function selfSignedCertificate(
  dir: string,
  files: { cert: string; key: string },
  subject: string,
  ...extensions: string[]
): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.key,
    '-out',
    files.cert,
    '-days',
    '1',
    '-subj',
    subject,
    ...extensions,
  );
}
