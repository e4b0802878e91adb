import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/** A profile photo as Graph serves it from /users/{id}/photo/$value. */
export interface Photo {
  contentType: string;
  data: Buffer;
  /** its `@odata.mediaEtag` (GET /users/{id}/photo); derived from the bytes when not given */
  etag?: string;
}

/** The photo's `@odata.mediaEtag`: a new one whenever the bytes change, as Graph's does. */
export function photoEtag(photo: Photo): string {
  photo.etag ??= `W/"${createHash('sha1').update(photo.data).digest('hex')}"`;
  return photo.etag;
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
export function lazyPhoto(contentType: string, build: () => Photo, etag?: string): Photo {
  let data: Buffer | null = null;
  return {
    contentType,
    etag,
    get data() {
      data ??= build().data;
      return data;
    },
  };
}

/**
 * A JPEG of `bytes` bytes (a flat eight-by-eight image padded with a comment segment), built again on every
 * read: a 100,000-user tenant with photos of tens of KB would otherwise hold gigabytes. `seed`
 * makes each user's bytes (and etag) their own.
 */
export function sizedJpegPhoto(gray: number, bytes: number, seed: string): Photo {
  const block = createHash('sha256').update(seed).digest();
  const etag = `W/"${block.subarray(0, 12).toString('hex')}"`;
  return {
    contentType: 'image/jpeg',
    etag,
    get data() {
      const base = flatJpeg(gray);
      const padding = Math.max(0, Math.min(65_533, bytes - base.length - 4));
      // SOI, a comment segment of the seed's bytes, then the rest of the image: built in place
      const out = Buffer.allocUnsafe(base.length + 4 + padding);
      base.copy(out, 0, 0, 2);
      out.writeUInt16BE(0xfffe, 2); // COM
      out.writeUInt16BE(padding + 2, 4);
      out.fill(block, 6, 6 + padding);
      base.copy(out, 6 + padding, 2);
      return out;
    },
  };
}

/** The flat JPEG of each shade, built once: sized photos are rebuilt on every read. */
const flatJpegs = new Map<number, Buffer>();
function flatJpeg(gray: number): Buffer {
  let jpeg = flatJpegs.get(gray);
  if (!jpeg) flatJpegs.set(gray, (jpeg = makeJpegPhoto(gray).data));
  return jpeg;
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

function segment(marker: number, payload: number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

/**
 * Builds a valid 8×8 grayscale baseline JPEG of one flat shade. A flat block has only a DC
 * coefficient, so one-symbol Huffman tables suffice and no encoder library is needed.
 */
export function makeJpegPhoto(gray: number): Photo {
  const dc = 8 * (Math.round(gray) - 128); // DC of an 8×8 DCT of a flat, level-shifted block; quantizer 1
  const magnitude = Math.abs(dc);
  const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
  const valueBits = dc >= 0 ? dc : dc + (1 << category) - 1; // negative values: ones' complement
  let bits = '0'; // the DC table's only code
  if (category > 0) bits += valueBits.toString(2).padStart(category, '0');
  bits += '0'; // the AC table's only code: end of block
  bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, '1');
  const scan: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const byte = parseInt(bits.slice(i, i + 8), 2);
    scan.push(byte);
    if (byte === 0xff) scan.push(0x00); // byte stuffing
  }
  const oneSymbolTable = (tableClass: number, symbol: number) => [
    tableClass,
    1,
    ...new Array(15).fill(0),
    symbol,
  ];
  const bytes = [
    0xff, 0xd8, // SOI
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // APP0 JFIF
    ...segment(0xdb, [0x00, ...new Array(64).fill(1)]), // DQT: all ones
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]), // SOF0: 8-bit, 8×8, one component
    ...segment(0xc4, oneSymbolTable(0x00, category)), // DHT: DC table 0
    ...segment(0xc4, oneSymbolTable(0x10, 0x00)), // DHT: AC table 0 (EOB only)
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]), // SOS
    ...scan,
    0xff, 0xd9, // EOI
  ]; // prettier-ignore
  return { contentType: 'image/jpeg', data: Buffer.from(bytes) };
}
