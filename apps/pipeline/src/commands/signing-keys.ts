// Bundle signing keys for the CLI: the publisher's Ed25519 private key (`--signing-key FILE` or
// MIXTAPE_BUNDLE_SIGNING_KEY) and the public keys `bundle verify` checks against.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { generateSigningKeyPair, parsePublicKeys, parseSigningKey } from '@mixtape/bundle';

/** PEM text inline, or a path to a PEM file. */
async function pemFrom(value: string): Promise<{ pem: string; source: string }> {
  if (value.includes('-----BEGIN')) return { pem: value, source: 'the key given inline' };
  try {
    return { pem: await readFile(value, 'utf8'), source: value };
  } catch (error) {
    throw new Error(`cannot read the key file ${value}: ${(error as Error).message}`);
  }
}

/** The signing key from a flag or MIXTAPE_BUNDLE_SIGNING_KEY (PEM text or a file path); undefined when neither is set. */
export async function signingKeyFrom(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<KeyObject | undefined> {
  const value = flag ?? env.MIXTAPE_BUNDLE_SIGNING_KEY;
  if (!value) return undefined;
  const { pem, source } = await pemFrom(value);
  return parseSigningKey(pem, source);
}

/** Trusted public keys from a flag or MIXTAPE_BUNDLE_PUBLIC_KEYS (PEM text or a file path). */
export async function publicKeysFrom(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<KeyObject[] | undefined> {
  const value = flag ?? env.MIXTAPE_BUNDLE_PUBLIC_KEYS;
  if (!value) return undefined;
  const { pem, source } = await pemFrom(value);
  return parsePublicKeys(pem, source);
}

/** Writes a new key pair: `<dir>/bundle-signing.key` (mode 600) and `<dir>/bundle-signing.pub`. */
export async function writeKeyPair(directory: string): Promise<{ privateKeyPath: string; publicKeyPath: string; keyId: string }> {
  const pair = generateSigningKeyPair();
  await mkdir(directory, { recursive: true });
  const privateKeyPath = join(directory, 'bundle-signing.key');
  const publicKeyPath = join(directory, 'bundle-signing.pub');
  await writeFile(privateKeyPath, pair.privateKeyPem, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'EEXIST' ? `${privateKeyPath} already exists; refusing to overwrite a signing key` : error.message);
  });
  await chmod(privateKeyPath, 0o600);
  await writeFile(publicKeyPath, pair.publicKeyPem);
  return { privateKeyPath, publicKeyPath, keyId: pair.keyId };
}
