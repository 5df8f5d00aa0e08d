// Ed25519 signatures over a bundle's manifest bytes. The publisher holds the private key; services
// hold public keys and refuse a manifest that no trusted key signed — before they download or
// open anything it lists. The manifest pins every file by sha256, so one signature covers all.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BundleError } from './errors';

/** What `bundles/<version>/manifest.sig` holds. */
export interface ManifestSignature {
  algorithm: 'ed25519';
  /** first 16 hex characters of the sha256 of the public key (SPKI DER) */
  keyId: string;
  /** base64 Ed25519 signature over the exact manifest.json bytes */
  signature: string;
}

export class BundleSignatureError extends BundleError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BUNDLE_SIGNATURE_INVALID', message, { details });
    this.name = 'BundleSignatureError';
  }
}

/** Identifies a public key in messages and signatures (the private key's public half works too). */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** An Ed25519 private key from PEM text (PKCS#8, as `openssl genpkey -algorithm ed25519` writes). */
export function parseSigningKey(pem: string, source = 'bundle signing key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `${source} is not a PEM private key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new BundleError('BUNDLE_INPUT_INVALID', `${source} is a ${key.asymmetricKeyType} key; bundle signing keys are Ed25519`);
  return key;
}

/** Ed25519 public keys from PEM text; several keys may be concatenated (key rotation). */
export function parsePublicKeys(pem: string, source = 'bundle public keys'): KeyObject[] {
  const blocks = pem.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length === 0) throw new BundleError('BUNDLE_INPUT_INVALID', `${source}: no "-----BEGIN PUBLIC KEY-----" block found (expected Ed25519 public keys in PEM)`);
  return blocks.map((block, index) => {
    let key: KeyObject;
    try {
      key = createPublicKey(block);
    } catch (error) {
      throw new BundleError('BUNDLE_INPUT_INVALID', `${source}: key ${index + 1} is not a PEM public key: ${(error as Error).message}`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new BundleError('BUNDLE_INPUT_INVALID', `${source}: key ${index + 1} is ${key.asymmetricKeyType}; bundle keys are Ed25519`);
    return key;
  });
}

/** A new key pair as PEM text (`mixtape bundle keygen`). */
export function generateSigningKeyPair(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export function signManifest(manifestBytes: Uint8Array, privateKey: KeyObject): ManifestSignature {
  return { algorithm: 'ed25519', keyId: keyIdOf(privateKey), signature: sign(null, manifestBytes, privateKey).toString('base64') };
}

export function serializeSignature(signature: ManifestSignature): string {
  return `${JSON.stringify(signature)}\n`;
}

/**
 * Checks that one of `trustedKeys` signed these manifest bytes; returns the key id. `where` names
 * the bundle in errors. A missing or unreadable signature is refused like a wrong one.
 */
export function verifyManifestSignature(manifestBytes: Uint8Array, signatureBytes: Uint8Array | undefined, trustedKeys: readonly KeyObject[], where: string): string {
  const trusted = trustedKeys.map((key) => keyIdOf(key));
  if (signatureBytes === undefined) {
    throw new BundleSignatureError(`${where} is not signed (no manifest.sig); this service only loads bundles signed by key ${trusted.join(' or ')}`, { trusted });
  }
  let parsed: Partial<ManifestSignature>;
  try {
    parsed = JSON.parse(Buffer.from(signatureBytes).toString('utf8')) as Partial<ManifestSignature>;
  } catch {
    throw new BundleSignatureError(`${where}: manifest.sig is not JSON {"algorithm","keyId","signature"}`);
  }
  if (parsed.algorithm !== 'ed25519' || typeof parsed.signature !== 'string') {
    throw new BundleSignatureError(`${where}: manifest.sig has algorithm ${JSON.stringify(parsed.algorithm)}; expected "ed25519" with a base64 signature`);
  }
  const signature = Buffer.from(parsed.signature, 'base64');
  for (const key of trustedKeys) {
    if (verify(null, manifestBytes, key, signature)) return keyIdOf(key);
  }
  throw new BundleSignatureError(
    `${where}: the manifest signature (key ${parsed.keyId ?? 'unknown'}) does not verify with the trusted key${trusted.length > 1 ? 's' : ''} ${trusted.join(', ')} — the manifest was changed or signed by another key`,
    { keyId: parsed.keyId, trusted },
  );
}

/**
 * Trusted public keys from a service's setting (MIXTAPE_BUNDLE_PUBLIC_KEYS): PEM text, or the path
 * of a PEM file. Undefined when unset (signatures are then not checked).
 */
export function readTrustedKeys(value: string | undefined): KeyObject[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (value.includes('-----BEGIN')) return parsePublicKeys(value, 'the public keys given inline');
  let pem: string;
  try {
    pem = readFileSync(value, 'utf8');
  } catch (error) {
    throw new BundleError('BUNDLE_INPUT_INVALID', `cannot read the bundle public key file ${value}: ${(error as Error).message} (expected PEM text or the path of a PEM file)`);
  }
  return parsePublicKeys(pem, value);
}
