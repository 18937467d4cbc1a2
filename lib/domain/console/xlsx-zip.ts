// A check of an xlsx file's zip archive before exceljs reads it. exceljs's streaming reader (over
// unzipper) never settles on some damaged archives (an empty body, a local header followed by
// garbage, a flipped byte in compressed data: its promise just stays pending), and it inflates
// whatever an archive holds, so a few MiB of upload could unpack to gigabytes. So the archive is
// checked whole first, with the sizes its central directory declares as limits: every entry laid
// out one after the other as a streaming reader expects, stored or deflated, inflating to exactly
// its declared size (never more: inflation stops there) with its declared CRC-32. Only an
// archive that passes reaches exceljs, rearranged: exceljs parks a worksheet that comes before the
// shared strings in a temporary file, and then misses the archive's last entry when that follows
// a parked worksheet (the shared strings, where Excel may put them: every text cell then reads as
// a dangling reference). With the workbook's other parts first (and an empty shared-strings part
// when it has none) every worksheet is read straight from memory.
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
  /** The entry's record in the central directory. */
  central: Buffer;
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

const isWorksheet = (name: string) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name);
const SHARED_STRINGS = 'xl/sharedStrings.xml';

/** The archive rearranged for exceljs's streaming reader, or why `b` is not an xlsx workbook vpay should open. */
export function openXlsxArchive(
  b: Buffer,
  limits: ZipLimits = XLSX_LIMITS,
): { ok: true; archive: Buffer } | { ok: false; problem: string } {
  const problem = (p: string) => ({ ok: false as const, problem: p });
  if (b.length < 22 || b.readUInt32LE(0) !== LOCAL_HEADER) return problem(NOT_ZIP);
  const directory = readDirectory(b, limits);
  if (typeof directory === 'string') return problem(directory);
  const { entries } = directory;
  if (!entries.some((e) => isWorksheet(e.name)) || !entries.some((e) => e.name === 'xl/_rels/workbook.xml.rels')) {
    return problem('the file is a zip archive but not an xlsx workbook (no worksheet, or no workbook relations)');
  }
  const blocks = entryBlocks(b, directory, limits);
  if (typeof blocks === 'string') return problem(blocks);
  const parts = entries.map((e, i) => ({ e, block: blocks[i] }));
  const ordered = [...parts.filter((p) => !isWorksheet(p.e.name)), ...parts.filter((p) => isWorksheet(p.e.name))];
  if (!entries.some((e) => e.name === SHARED_STRINGS)) {
    const sst = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
    );
    ordered.splice(ordered.length - parts.filter((p) => isWorksheet(p.e.name)).length, 0, storedEntry(SHARED_STRINGS, sst));
  }
  return { ok: true, archive: rebuilt(ordered) };
}

/** Each entry's bytes (local header, data, data descriptor), checked, in directory order. */
function entryBlocks(b: Buffer, { entries, offset }: { entries: Entry[]; offset: number }, limits: ZipLimits): Buffer[] | string {
  const blocks = new Map<Entry, Buffer>();
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
    if (next > offset) return DAMAGED;
    blocks.set(e, b.subarray(e.local, next));
  }
  return next === offset ? entries.map((e) => blocks.get(e)!) : DAMAGED;
}

/** A stored (uncompressed) entry: its local block and its central record. */
function storedEntry(name: string, data: Buffer): { e: Entry; block: Buffer } {
  const nameBytes = Buffer.from(name, 'latin1');
  const crc = crc32(data) >>> 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(LOCAL_HEADER, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(CENTRAL_HEADER, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const e: Entry = {
    name,
    central: Buffer.concat([central, nameBytes]),
    flags: 0,
    method: 0,
    crc,
    compressedSize: data.length,
    size: data.length,
    local: 0,
  };
  return { e, block: Buffer.concat([local, nameBytes, data]) };
}

/** The entries in the given order, each central record pointing at its new place. */
function rebuilt(parts: Array<{ e: Entry; block: Buffer }>): Buffer {
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { e, block } of parts) {
    const central = Buffer.from(e.central);
    central.writeUInt32LE(offset, 42);
    centrals.push(central);
    offset += block.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_DIRECTORY, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts.map((p) => p.block), directory, end]);
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
    const length = 46 + nameLength + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
    if (p + length > end) return NOT_ZIP;
    const e: Entry = {
      central: b.subarray(p, p + length),
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
    p += length;
  }
  return { entries, offset };
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
