// A FAISS HNSW index that loads and then crashes its first search (SIGSEGV): the issue-13 repro.
// FAISS reads an HNSW graph without checking that neighbour ids are below ntotal, so links
// pointing far past the stored vectors pass read_index and fault in the search's distance code.

/** Reads a FAISS `std::vector` (uint64 count, then items) at `offset`; returns where its items start and end. */
function vectorAt(bytes: Buffer, offset: number, itemSize: number): { count: number; start: number; end: number } {
  const count = Number(bytes.readBigUInt64LE(offset));
  const start = offset + 8;
  const end = start + count * itemSize;
  if (end > bytes.length) throw new Error(`corruptHnswIndex: a vector of ${count} × ${itemSize} bytes at ${offset} runs past the file`);
  return { count, start, end };
}

/**
 * A copy of a serialized VectorIndex (`VectorIndex.toBuffer()`, an `.faiss` bundle file) whose
 * HNSW neighbour links all point past the end of the index. Only for HNSW factories ("HNSW32").
 */
export function corruptHnswIndex(serialized: Uint8Array): Buffer {
  const bytes = Buffer.from(serialized);
  if (bytes.toString('ascii', 0, 4) !== 'MXVI') throw new Error('corruptHnswIndex: not a serialized VectorIndex (magic MXVI)');
  const faissStart = 20 + bytes.readUInt32LE(8) + Number(bytes.readBigUInt64LE(12));
  const fourcc = bytes.toString('ascii', faissStart, faissStart + 4);
  if (fourcc !== 'IHNf') throw new Error(`corruptHnswIndex: the FAISS index is "${fourcc}", not an HNSW flat index ("IHNf")`);
  // IndexHNSWFlat: fourcc, header (d int32, ntotal int64, two int64, is_trained u8, metric int32),
  // then HNSW: assign_probas (f64), cum_nneighbor_per_level (i32), levels (i32), offsets (u64), neighbors (i32).
  let offset = faissStart + 4 + 4 + 8 + 8 + 8 + 1 + 4;
  for (const itemSize of [8, 4, 4, 8]) offset = vectorAt(bytes, offset, itemSize).end;
  const neighbours = vectorAt(bytes, offset, 4);
  for (let i = 0; i < neighbours.count; i++) bytes.writeInt32LE(0x3fffffff - i, neighbours.start + i * 4);
  return bytes;
}
