import { loadIndex } from '/work/wt-seqfix/packages/sequence/scratch/common.mts';
const index = await loadIndex(64);
const b = index.faissBytes();
console.log(b.length, b.subarray(0, 64));
const v = new DataView(b.buffer, b.byteOffset);
console.log('fourcc', b.toString('ascii', 0, 4), 'd', v.getInt32(4, true), 'n', v.getBigInt64(8, true), 'metric', v.getInt32(4+4+8+16+1, true));
