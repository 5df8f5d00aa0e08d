import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, keyIdOf, parsePublicKeys, parseSigningKey, readTrustedKeys, serializeSignature, signManifest, verifyManifestSignature } from './signing';

const manifest = Buffer.from('{"schemaVersion":1,"version":"v1","files":[]}\n');

describe('manifest signatures (Ed25519)', () => {
  const pair = generateSigningKeyPair();
  const privateKey = parseSigningKey(pair.privateKeyPem);
  const [publicKey] = parsePublicKeys(pair.publicKeyPem);

  it('verifies a signature made with the matching private key and names the key', () => {
    const signature = Buffer.from(serializeSignature(signManifest(manifest, privateKey)));
    expect(verifyManifestSignature(manifest, signature, [publicKey!], 'bundle "v1"')).toBe(pair.keyId);
    expect(keyIdOf(privateKey)).toBe(pair.keyId);
  });

  it('refuses a changed manifest, a missing signature and a stranger\'s key', () => {
    const signature = Buffer.from(serializeSignature(signManifest(manifest, privateKey)));
    const changed = Buffer.from(manifest.toString().replace('v1', 'v2'));
    expect(() => verifyManifestSignature(changed, signature, [publicKey!], 'bundle "v2"')).toThrow(/does not verify with the trusted key/);
    expect(() => verifyManifestSignature(manifest, undefined, [publicKey!], 'bundle "v1"')).toThrow(/is not signed \(no manifest.sig\)/);
    const stranger = generateSigningKeyPair();
    const strangerSignature = Buffer.from(serializeSignature(signManifest(manifest, parseSigningKey(stranger.privateKeyPem))));
    expect(() => verifyManifestSignature(manifest, strangerSignature, [publicKey!], 'bundle "v1"')).toThrow(new RegExp(`key ${stranger.keyId}\\) does not verify`));
    expect(() => verifyManifestSignature(manifest, Buffer.from('garbage'), [publicKey!], 'bundle "v1"')).toThrow(/not JSON/);
  });

  it('accepts any of several trusted keys (rotation) and rejects keys that are not Ed25519 PEM', () => {
    const next = generateSigningKeyPair();
    const keys = parsePublicKeys(`${next.publicKeyPem}\n${pair.publicKeyPem}`);
    expect(keys).toHaveLength(2);
    const signature = Buffer.from(serializeSignature(signManifest(manifest, privateKey)));
    expect(verifyManifestSignature(manifest, signature, keys, 'bundle "v1"')).toBe(pair.keyId);
    expect(() => parsePublicKeys('not a key')).toThrow(/no "-----BEGIN PUBLIC KEY-----" block/);
    expect(() => parseSigningKey(pair.publicKeyPem)).toThrow(/not a PEM private key/);
  });

  it("reads a service's trusted keys from PEM text or a PEM file, and names the file it cannot read", () => {
    const pair = generateSigningKeyPair();
    expect(readTrustedKeys(undefined)).toBeUndefined();
    expect(readTrustedKeys(' ')).toBeUndefined();
    expect(readTrustedKeys(pair.publicKeyPem)!.map(keyIdOf)).toEqual([pair.keyId]);
    const file = join(mkdtempSync(join(tmpdir(), 'mixtape-keys-')), 'bundle-signing.pub');
    writeFileSync(file, pair.publicKeyPem);
    expect(readTrustedKeys(file)!.map(keyIdOf)).toEqual([pair.keyId]);
    expect(() => readTrustedKeys(`${file}.missing`)).toThrow(`cannot read the bundle public key file ${file}.missing`);
  });
});
