// A check of an xlsx file's zip archive before exceljs reads it. exceljs's streaming reader (over
// unzipper) never settles on some damaged archives (an empty body, a local header followed by
// garbage, a flipped byte in compressed data: its promise just stays pending), and it inflates
// whatever an archive holds, so a few MiB of upload could unpack to gigabytes. So the archive is
// checked whole first, with the sizes its central directory declares as limits: every entry laid
// out one after the other as a streaming reader expects, stored or deflated, inflating to exactly
// its declared size (never more: inflation stops there) with its declared CRC-32. Only an
// archive that passes reaches exceljs.
import { crc32, inflateRawSync } from 'node:zlib';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const DATA_DESCRIPTOR = 0x08074b50;

export interface ZipLimits {
  maxEntries: number;
  /** Total unpacked bytes of every entry. */
  maxUnpacked: number;
}

export const XLSX_LIMITS: ZipLimits = { maxEntries: 1_000, maxUnpacked: 100 * 1024 * 1024 };

interface Entry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  local: number;
}

const NOT_ZIP = 'the file is not an xlsx workbook (not a zip archive)';
const DAMAGED = 'the file is not an xlsx workbook vpay can read (a damaged or unusual zip archive)';
const ZIP64 = 'the file is a ZIP64 archive, which an xlsx workbook of this size never is';

/** Why `b` is not an xlsx workbook vpay should open, or undefined when its archive is sound. */
export function xlsxZipProblem(b: Buffer, limits: ZipLimits = XLSX_LIMITS): string | undefined {
  if (b.length < 22 || b.readUInt32LE(0) !== LOCAL_HEADER) return NOT_ZIP;
  const directory = readDirectory(b, limits);
  if (typeof directory === 'string') return directory;
  const { entries, offset } = directory;
  if (!entries.some((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name))) {
    return 'the file is a zip archive but not an xlsx workbook (it has no worksheet)';
  }
  let unpacked = 0;
  let next = 0;
  for (const e of [...entries].sort((x, y) => x.local - y.local)) {
    unpacked += e.size;
    if (unpacked > limits.maxUnpacked) return `the file unpacks to more than ${limits.maxUnpacked / 1024 / 1024} MiB`;
    // Encrypted entries, and methods other than stored and deflated, are not an xlsx's.
    if (e.local !== next || e.flags & 1 || (e.method !== 0 && e.method !== 8)) return DAMAGED;
    if (e.local + 30 > b.length || b.readUInt32LE(e.local) !== LOCAL_HEADER) return DAMAGED;
    const nameLength = b.readUInt16LE(e.local + 26);
    // A streaming reader goes by the local header's name: it must be the directory's.
    if (b.toString('latin1', e.local + 30, e.local + 30 + nameLength) !== e.name) return DAMAGED;
    const start = e.local + 30 + nameLength + b.readUInt16LE(e.local + 28);
    const end = start + e.compressedSize;
    if (end > offset) return DAMAGED;
    if (!entryIsIntact(b.subarray(start, end), e)) return DAMAGED;
    next = end;
    if (e.flags & 8) {
      // A data descriptor follows: crc, sizes, with or without its signature.
      next += end + 4 <= b.length && b.readUInt32LE(end) === DATA_DESCRIPTOR ? 16 : 12;
    }
  }
  return next === offset ? undefined : DAMAGED;
}

function readDirectory(b: Buffer, limits: ZipLimits): { entries: Entry[]; offset: number } | string {
  // The end-of-directory record is the last 22 bytes, unless a comment (at most 65,535 bytes) follows it.
  let end = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) return 'the file is not a complete zip archive (truncated?)';
  const count = b.readUInt16LE(end + 10);
  const size = b.readUInt32LE(end + 12);
  const offset = b.readUInt32LE(end + 16);
  // ZIP64 marks its fields with all ones; an xlsx of a few MiB never needs it.
  if (count === 0xffff || offset === 0xffffffff) return ZIP64;
  if (count > limits.maxEntries) return `the file's zip archive has more than ${limits.maxEntries} entries`;
  if (offset + size > end) return NOT_ZIP;
  const entries: Entry[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > end || b.readUInt32LE(p) !== CENTRAL_HEADER) return NOT_ZIP;
    const nameLength = b.readUInt16LE(p + 28);
    const e: Entry = {
      flags: b.readUInt16LE(p + 8),
      method: b.readUInt16LE(p + 10),
      crc: b.readUInt32LE(p + 16),
      compressedSize: b.readUInt32LE(p + 20),
      size: b.readUInt32LE(p + 24),
      local: b.readUInt32LE(p + 42),
      name: b.toString('latin1', p + 46, p + 46 + nameLength),
    };
    if (e.size === 0xffffffff || e.compressedSize === 0xffffffff || e.local === 0xffffffff) return ZIP64;
    entries.push(e);
    p += 46 + nameLength + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  return p > end ? NOT_ZIP : { entries, offset };
}

/** The entry's data unpacks to exactly its declared size and CRC-32, inflating no further. */
function entryIsIntact(data: Buffer, e: Entry): boolean {
  let unpacked: Buffer;
  if (e.method === 0) unpacked = data;
  else {
    try {
      // One byte over the declared size is enough to tell a lie; the limit stops a bomb there.
      unpacked = inflateRawSync(data, { maxOutputLength: Math.max(1, e.size + 1) });
    } catch {
      return false;
    }
  }
  return unpacked.length === e.size && crc32(unpacked) >>> 0 === e.crc;
}
