import { deflateSync } from 'node:zlib';

/** A profile photo as Graph serves it from /users/{id}/photo/$value. */
export interface Photo {
  contentType: string;
  data: Buffer;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A photo whose bytes are only built when first read (generating 100k-user tenants stays fast). */
export function lazyPngPhoto(rgb: [number, number, number]): Photo {
  let data: Buffer | null = null;
  return {
    contentType: 'image/png',
    get data() {
      data ??= makePngPhoto(rgb).data;
      return data;
    },
  };
}

/**
 * Builds a small, valid RGB PNG (a two-colour diagonal "avatar"), so stored photos can be hashed and
 * compared; different colours give different bytes.
 */
export function makePngPhoto(rgb: [number, number, number], size = 16): Photo {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // leading 0 = no filter
    for (let x = 0; x < size; x++) {
      const light = x + y < size;
      row[1 + x * 3] = light ? rgb[0] : 255 - rgb[0];
      row[2 + x * 3] = light ? rgb[1] : 255 - rgb[1];
      row[3 + x * 3] = light ? rgb[2] : 255 - rgb[2];
    }
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const data = Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return { contentType: 'image/png', data };
}
