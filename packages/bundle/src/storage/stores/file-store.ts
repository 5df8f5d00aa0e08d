import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, rmdir, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { abortable, throwIfAborted } from '../internal/abort';
import { assertValidKey, splitByDelimiter } from './keys';
import type { BundleStore, ByteRange, DownloadOptions, DownloadResult, ListResult, ObjectInfo, PutOptions, StoreRequestOptions } from './types';

const tempMarker = '.tmp-';

export interface FileStoreOptions {
  /** Directory that holds the store; created on first write. */
  directory: string;
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Writes through a temp file in the same directory and renames it, so readers see all or nothing. */
async function atomicWrite(target: string, write: (temporaryPath: string) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temporaryPath = path.join(path.dirname(target), `.${path.basename(target)}${tempMarker}${randomBytes(6).toString('hex')}`);
  try {
    await write(temporaryPath);
    await rename(temporaryPath, target);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
}

/** A `BundleStore` over a local directory (`file:///path`). Writes are atomic (temp + rename). */
export function createFileStore(options: FileStoreOptions): BundleStore {
  const root = path.resolve(options.directory);
  const pathOf = (key: string): string => {
    assertValidKey(key);
    return path.join(root, ...key.split('/'));
  };
  /** The file behind `key` opened for reading, or undefined when there is none. */
  const openIfExists = async (key: string): Promise<FileHandle | undefined> => {
    try {
      return await open(pathOf(key), 'r');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  async function walk(directory: string, keyPrefix: string, into: ObjectInfo[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.includes(tempMarker)) continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) await walk(full, `${keyPrefix}${entry.name}/`, into);
      else if (entry.isFile()) {
        const info = await stat(full);
        into.push({ key: keyPrefix + entry.name, size: info.size, lastModified: info.mtime });
      }
    }
  }

  const store: BundleStore = {
    description: pathToFileURL(root).href,
    uriOf: (key) => pathToFileURL(path.join(root, ...key.split('/'))).href,
    // a directory needs no settings (a missing one is created by the first write); an aborted signal still refuses
    ready: ({ signal }: StoreRequestOptions = {}) => abortable(() => Promise.resolve(), signal, () => `${pathToFileURL(root).href}: ready`),

    async head(key, requestOptions: StoreRequestOptions = {}) {
      throwIfAborted(requestOptions.signal);
      try {
        const info = await stat(pathOf(key));
        return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async getBytes(key, requestOptions: StoreRequestOptions & { range?: ByteRange } = {}) {
      const stream = await store.getStream(key, requestOptions);
      if (!stream) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
      return new Uint8Array(Buffer.concat(chunks));
    },

    async getStream(key, requestOptions: StoreRequestOptions & { range?: ByteRange } = {}): Promise<Readable | undefined> {
      throwIfAborted(requestOptions.signal);
      const handle = await openIfExists(key);
      if (!handle) return undefined;
      // The stream owns the handle and closes it when it ends or is destroyed.
      return handle.createReadStream({ start: requestOptions.range?.start, end: requestOptions.range?.end, signal: requestOptions.signal });
    },

    async downloadFile(key, destinationPath, downloadOptions: DownloadOptions = {}): Promise<DownloadResult | undefined> {
      throwIfAborted(downloadOptions.signal);
      const handle = await openIfExists(key);
      if (!handle) return undefined;
      await mkdir(path.dirname(destinationPath), { recursive: true });
      // One pass: read, hash and write, instead of copy then re-read to verify.
      const hash = createHash('sha256');
      let size = 0;
      await pipeline(
        handle.createReadStream({ highWaterMark: 1 << 20 }),
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            size += chunk.length;
            downloadOptions.onBytes?.(chunk.length);
            callback(null, chunk);
          },
        }),
        createWriteStream(destinationPath),
        { signal: downloadOptions.signal },
      );
      return { size, sha256: hash.digest('hex') };
    },

    async putBytes(key, bytes, putOptions: PutOptions = {}) {
      throwIfAborted(putOptions.signal);
      await atomicWrite(pathOf(key), (temporaryPath) => writeFile(temporaryPath, bytes, { signal: putOptions.signal }));
      putOptions.onBytes?.(typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength);
    },

    async putFile(key, sourcePath, putOptions: PutOptions = {}) {
      throwIfAborted(putOptions.signal);
      await atomicWrite(pathOf(key), (temporaryPath) => copyFile(sourcePath, temporaryPath));
      putOptions.onBytes?.((await stat(sourcePath)).size);
    },

    async list(prefix, listOptions: StoreRequestOptions & { delimiter?: string } = {}): Promise<ListResult> {
      throwIfAborted(listOptions.signal);
      // Walk only the deepest directory the prefix names, then filter by the partial rest.
      const lastSlash = prefix.lastIndexOf('/');
      const directoryKey = lastSlash === -1 ? '' : prefix.slice(0, lastSlash + 1);
      if (directoryKey) assertValidKey(directoryKey);
      const objects: ObjectInfo[] = [];
      await walk(path.join(root, ...directoryKey.split('/').filter(Boolean)), directoryKey, objects);
      const matching = objects.filter((object) => object.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
      return splitByDelimiter(matching, prefix, listOptions.delimiter);
    },

    async delete(keys, requestOptions: StoreRequestOptions = {}) {
      for (const key of keys) {
        throwIfAborted(requestOptions.signal);
        await rm(pathOf(key), { force: true });
      }
      // Leave no empty directories behind, so listings of deleted bundles come back empty.
      const directories = new Set(keys.map((key) => path.dirname(pathOf(key))));
      for (const directory of [...directories].sort((a, b) => b.length - a.length)) {
        for (let current = directory; current.startsWith(root) && current !== root; current = path.dirname(current)) {
          try {
            await rmdir(current); // fails (and stops the climb) when not empty
          } catch {
            break;
          }
        }
      }
    },

    async close() {},
  };
  return store;
}
