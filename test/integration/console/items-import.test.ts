// The item import and its template (CONTRACT.md 7.6): CSV and XLSX files written by exceljs and by
// hand, with what spreadsheet apps put in them (a UTF-8 BOM, CRLF, quoted commas, empty trailing
// rows, numbers stored as text); all or nothing, every bad cell named by row and column; the
// limits (5 MiB, 10,000 rows); and the template, downloaded and imported back.
import { crc32, deflateRawSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { consoleCall, consoleWorld, type Answer, type ConsoleWorld } from '../../support/console';
import { startVpay, type Vpay } from '../../support/vpay';
import type { Role } from '../../../lib/domain/console/permissions';

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['productId', 'name', 'price', 'currencyType', 'imageUrl'];

let vpay: Vpay;
let world: ConsoleWorld;

beforeAll(async () => {
  vpay = await startVpay();
  world = await consoleWorld(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

const items = () => `/apps/${world.appId}/items`;

async function upload(body: Buffer | string, contentType: string | undefined, role: Role = 'mp_developer'): Promise<Answer> {
  const res = await fetch(`${vpay.url}/v1/console${items()}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.tokens[role]}`, ...(contentType && { 'content-type': contentType }) },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

async function listed(q: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const r: Answer = await consoleCall(
      vpay,
      world.tokens.mp_operator,
      'GET',
      `${items()}?q=${encodeURIComponent(q)}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    out.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  return out;
}

let seq = 0;
const marker = () => `imp${Date.now()}x${++seq}`;

/** An XLSX written by exceljs's (in-memory) workbook writer. */
async function xlsxOf(rows: unknown[][], o: { extraSheet?: boolean } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  if (o.extraSheet) wb.addWorksheet('notes').addRow(['read me first']);
  const ws = wb.addWorksheet('items');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** An XLSX written by exceljs's streaming writer, with shared strings. */
async function streamedXlsxOf(rows: unknown[][]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
  const ws = wb.addWorksheet('items');
  for (const r of rows) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

/**
 * An XLSX put together by hand as Excel lays it out: the worksheet before the shared strings
 * (which makes exceljs's streaming reader park the sheet in a temporary file), shared strings
 * for text (a price among them: a number stored as text), and a cell reference per cell.
 */
function handMadeXlsx(rows: Array<Array<string | number | null>>): Buffer {
  const shared: string[] = [];
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const sheetRows = rows
    .map((cells, r) => {
      const xml = cells
        .map((v, c) => {
          const ref = `${String.fromCharCode(65 + c)}${r + 1}`;
          if (v === null) return '';
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
          shared.push(v);
          return `<c r="${ref}" t="s"><v>${shared.length - 1}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${xml}</row>`;
    })
    .join('');
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const files: Array<[string, string]> = [
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    [
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ],
    [
      'xl/worksheets/sheet1.xml',
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData>${sheetRows}</sheetData></worksheet>`,
    ],
    [
      'xl/sharedStrings.xml',
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${ns}" count="${shared.length}" uniqueCount="${shared.length}">${shared.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('')}</sst>`,
    ],
  ];
  return zip(files.map(([name, text]) => [name, Buffer.from(text, 'utf8')]));
}

/** A plain zip archive (deflated entries, no data descriptors). */
function zip(files: Array<[string, Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const expectImported = (r: Answer, created: number, updated: number) =>
  expect({ status: r.status, json: r.json }).toEqual({ status: 200, json: { errCode: 0, created, updated } });

describe('files that import', () => {
  it('a CSV by hand: UTF-8 BOM, CRLF, quoted commas and line breaks, numbers as text with spaces, empty trailing rows', async () => {
    const m = marker();
    const csv =
      '\uFEFFproductId,name,price,currencyType,imageUrl\r\n' +
      `${m}_1,"Sword, of fire",100,USD,https://cdn.example.com/s.png\r\n` +
      `${m}_2,"Two ""quoted"" words",  " 250 ",EUR,\r\n` +
      `${m}_3,"Line one\r\nline two",3,JPY,\r\n` +
      `${m}_4,Épée légendaire,4,CNY\r\n` +
      '\r\n,,,,\r\n  ,,, ,\r\n';
    expectImported(await upload(Buffer.from(csv, 'utf8'), `${CSV}; charset=utf-8`), 4, 0);
    const got = await listed(m);
    expect(got.map((i) => [i.productId, i.name, i.price, i.currencyType, i.imageUrl, i.status, i.live]).sort()).toEqual([
      [`${m}_1`, 'Sword, of fire', 100, 'USD', 'https://cdn.example.com/s.png', 'DRAFT', null],
      [`${m}_2`, 'Two "quoted" words', 250, 'EUR', null, 'DRAFT', null],
      [`${m}_3`, 'Line one\r\nline two', 3, 'JPY', null, 'DRAFT', null],
      [`${m}_4`, 'Épée légendaire', 4, 'CNY', null, 'DRAFT', null],
    ]);
  });

  it('an XLSX written by exceljs: numbers typed and stored as text, a productId of digits, an empty row, another sheet first', async () => {
    const m = marker();
    const file = await xlsxOf(
      [
        HEADER,
        [`${m}_1`, 'Shield', 300, 'USD', null],
        [`${m}_2`, 'Helmet', '450', 'USD', 'https://cdn.example.com/h.png'],
        [],
        [`${m}_3`, { richText: [{ text: 'Rich ' }, { text: 'text' }] }, { formula: '2*3', result: 6 }, 'EUR'],
      ],
      { extraSheet: true },
    );
    expectImported(await upload(file, XLSX), 3, 0);
    const got = await listed(m);
    expect(got.map((i) => [i.productId, i.name, i.price, i.imageUrl]).sort()).toEqual([
      [`${m}_1`, 'Shield', 300, null],
      [`${m}_2`, 'Helmet', 450, 'https://cdn.example.com/h.png'],
      [`${m}_3`, 'Rich text', 6, null],
    ]);
  });

  it("an XLSX written by exceljs's streaming writer with shared strings", async () => {
    const m = marker();
    expectImported(
      await upload(await streamedXlsxOf([HEADER, [`${m}_1`, 'Bow', '12', 'USD'], [`${m}_2`, 'Arrow', 1, 'USD', '']]), XLSX),
      2,
      0,
    );
    expect((await listed(m)).map((i) => i.price).sort()).toEqual([1, 12]);
  });

  it('an XLSX put together by hand as Excel lays it out (worksheet before its shared strings)', async () => {
    const m = marker();
    const file = handMadeXlsx([
      HEADER,
      [`${m}_1`, 'Gem & coin <pack>', '300', 'USD', null],
      [`${m}_2`, 'Plain', 42, 'GBP', 'http://img.example.com/p.png'],
    ]);
    expectImported(await upload(file, XLSX), 2, 0);
    expect((await listed(m)).map((i) => [i.name, i.price, i.currencyType]).sort()).toEqual([
      ['Gem & coin <pack>', 300, 'USD'],
      ['Plain', 42, 'GBP'],
    ]);
  });

  it('an existing productId is edited as by PATCH: its draft changes, its live version keeps selling', async () => {
    const m = marker();
    const [live, same, fresh] = [`${m}_live`, `${m}_same`, `${m}_new`];
    for (const productId of [live, same]) {
      expect(
        (await consoleCall(vpay, world.tokens.mp_admin, 'POST', items(), { productId, name: 'n', price: 100, currencyType: 'USD' })).status,
      ).toBe(201);
    }
    await consoleCall(vpay, world.tokens.mp_admin, 'POST', `${items()}/release`, { productIds: [live] });
    await consoleCall(vpay, world.tokens.platform_admin, 'POST', `${items()}/${live}/review`, { decision: 'approve' });
    // Without an imageUrl column the images are left as they are.
    const csv = `productId,name,price,currencyType\n${live},n,150,USD\n${same},n,100,USD\n${fresh},f,1,USD\n`;
    expectImported(await upload(csv, CSV), 1, 2);
    const got = Object.fromEntries((await listed(m)).map((i) => [i.productId, i]));
    expect(got[live]).toMatchObject({ price: 150, status: 'DRAFT', live: { price: 100 } });
    expect(got[same]).toMatchObject({ price: 100, status: 'DRAFT', live: null });
    expect(got[fresh]).toMatchObject({ status: 'DRAFT' });
  });

  it('10,000 rows import; 10,001 are refused', async () => {
    const m = marker();
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${m}_${i},Item ${i},${i + 1},USD,`).join('\n');
    expectImported(await upload(`${HEADER.join(',')}\n${rows(10_000)}\n`, CSV), 10_000, 0);
    const over = await upload(`${HEADER.join(',')}\n${rows(10_001).replaceAll(`${m}_`, `${m}b_`)}`, CSV);
    expect({ status: over.status, errCode: over.json.errCode }).toEqual({ status: 400, errCode: 40001 });
    expect(over.json.errors).toEqual([{ row: 10_002, column: null, message: expect.stringContaining('10000') }]);
    expect(await listed(`${m}b_`)).toEqual([]);
  });

  it('an XLSX of 10,001 rows is refused too', async () => {
    const m = marker();
    const rows = [HEADER, ...Array.from({ length: 10_001 }, (_, i) => [`${m}_${i}`, 'x', 1, 'USD'])];
    const r = await upload(await streamedXlsxOf(rows), XLSX);
    expect({ status: r.status, errCode: r.json.errCode, errors: r.json.errors }).toEqual({
      status: 400,
      errCode: 40001,
      errors: [expect.objectContaining({ row: 10_002 })],
    });
  });
});

describe('files that do not', () => {
  it('names every bad cell by spreadsheet row and column, and saves nothing', async () => {
    const m = marker();
    const csv = [
      'productId,name,price,currencyType,imageUrl',
      `${m}_ok,Fine,100,USD,`,
      `bad id,,1.99,usd,ftp://x.example/a.png`,
      '',
      `${m}_ok,Again,0,US,`,
      `${m}_x,Fine,"1,000",EUR,,stray`,
      `,Name only,5,USD`,
    ].join('\r\n');
    const r = await upload(csv, CSV);
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode: 40001 });
    expect(r.json.errMsg).toEqual(expect.any(String));
    expect(r.json.errors.map((e: any) => [e.row, e.column])).toEqual([
      [3, 'productId'],
      [3, 'name'],
      [3, 'price'],
      [3, 'currencyType'],
      [3, 'imageUrl'],
      [5, 'productId'],
      [5, 'price'],
      [5, 'currencyType'],
      [6, 'F'],
      [6, 'price'],
      [7, 'productId'],
    ]);
    expect(r.json.errors.find((e: any) => e.row === 5 && e.column === 'productId').message).toContain('row 2');
    expect(await listed(m)).toEqual([]);
  });

  it('the same in an XLSX, with a cell holding an error', async () => {
    const m = marker();
    const file = await xlsxOf([
      HEADER,
      [`${m}_1`, 'ok', 1, 'USD'],
      [`${m}_2`, { error: '#N/A' }, -5, 'USD'],
      [],
      [`${m}_3`, 'ok', 2.5, 'usd'],
    ]);
    const r = await upload(file, XLSX);
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: any) => [e.row, e.column])).toEqual([
      [3, 'name'],
      [3, 'price'],
      [5, 'price'],
      [5, 'currencyType'],
    ]);
    expect(await listed(m)).toEqual([]);
  });

  it("a header that is not the template's: every missing, unknown or repeated column", async () => {
    const r = await upload('productid,title,price,price\nx,y,1,2\n', CSV);
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([
      { row: 1, column: 'B', message: expect.stringContaining('not a column') },
      { row: 1, column: 'price', message: expect.stringContaining('twice') },
      { row: 1, column: 'name', message: expect.stringContaining('missing') },
      { row: 1, column: 'currencyType', message: expect.stringContaining('missing') },
    ]);
    const blankFirst = await upload('\nproductId,name,price,currencyType\n', CSV);
    expect(blankFirst.json.errors).toEqual([{ row: 1, column: null, message: expect.stringContaining('header') }]);
  });

  it('400/40001 for a file that is not a spreadsheet', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e00000000049454e44ae426082',
      'hex',
    );
    const truncated = (await xlsxOf([HEADER, ['a', 'b', 1, 'USD']])).subarray(0, 600);
    for (const [what, body, type] of [
      ['a PNG as CSV', png, CSV],
      ['a PNG as XLSX', png, XLSX],
      ['text as XLSX', Buffer.from('productId,name\n'), XLSX],
      ['an empty XLSX body', Buffer.alloc(0), XLSX],
      ['a truncated XLSX', truncated, XLSX],
      ['a zip that is no workbook', zip([['readme.txt', Buffer.from('hello')]]), XLSX],
      ['an XLSX sent as CSV', handMadeXlsx([HEADER]), CSV],
    ] as const) {
      const r = await upload(body, type);
      expect({ what, status: r.status, errCode: r.json.errCode, errors: Array.isArray(r.json.errors) }).toEqual({
        what,
        status: 400,
        errCode: 40001,
        errors: true,
      });
    }
  });

  it('415/41501 for another Content-Type, 413/41301 above 5 MiB (exactly 5 MiB is read)', async () => {
    for (const type of ['application/json', 'text/plain', undefined, `${CSV}; charset=iso-8859-1`]) {
      const r = await upload('productId,name,price,currencyType\n', type);
      expect({ type, status: r.status, errCode: r.json.errCode }).toEqual({ type, status: 415, errCode: 41501 });
    }
    const header = 'productId,name,price,currencyType\n';
    const fill = (size: number) => Buffer.concat([Buffer.from(header), Buffer.alloc(size - header.length, ' ')]);
    const tooBig = await upload(fill(5 * 1024 * 1024 + 1), CSV);
    expect({ status: tooBig.status, errCode: tooBig.json.errCode }).toEqual({ status: 413, errCode: 41301 });
    expectImported(await upload(fill(5 * 1024 * 1024), CSV), 0, 0);
    // The permission comes first: a role that may not import is refused without its file being read.
    const refused = await upload(fill(5 * 1024 * 1024 + 1), CSV, 'mp_operator');
    expect({ status: refused.status, errCode: refused.json.errCode }).toEqual({ status: 403, errCode: 40302 });
    // Other console routes keep the 64 KiB limit.
    const big = await consoleCall(vpay, world.tokens.mp_admin, 'POST', items(), {
      productId: 'big',
      name: 'x'.repeat(70_000),
      price: 1,
      currencyType: 'USD',
    });
    expect({ status: big.status, errCode: big.json.errCode }).toEqual({ status: 413, errCode: 41301 });
  });
});

describe('the template', () => {
  async function template(format: string): Promise<{ status: number; type: string | null; disposition: string | null; body: Buffer }> {
    const res = await fetch(`${vpay.url}/v1/console/item-template?format=${format}`, {
      headers: { authorization: `Bearer ${world.tokens.mp_developer}` },
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      disposition: res.headers.get('content-disposition'),
      body: Buffer.from(await res.arrayBuffer()),
    };
  }

  it('CSV: the header row, with a BOM for Excel; filled in, it imports', async () => {
    const t = await template('csv');
    expect(t.status).toBe(200);
    expect(t.type).toMatch(/^text\/csv/);
    expect(t.disposition).toContain('items-template.csv');
    expect(t.body.toString('utf8')).toBe('\uFEFFproductId,name,price,currencyType,imageUrl\r\n');
    expectImported(await upload(t.body, CSV), 0, 0);
    const m = marker();
    expectImported(await upload(Buffer.concat([t.body, Buffer.from(`${m}_1,From template,99,USD,\r\n`)]), CSV), 1, 0);
  });

  it('XLSX: the header row and a sheet that explains the columns; filled in, it imports', async () => {
    const t = await template('xlsx');
    expect(t.status).toBe(200);
    expect(t.type).toBe(XLSX);
    expect(t.disposition).toContain('items-template.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(t.body as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['items', 'columns']);
    expect((wb.worksheets[0].getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    const help = wb.worksheets[1].getColumn(1).values.slice(1);
    for (const c of HEADER) expect(help).toContain(c);
    expectImported(await upload(t.body, XLSX), 0, 0);

    const m = marker();
    wb.worksheets[0].addRow([`${m}_1`, 'From the xlsx template', '150', 'USD', 'https://cdn.example.com/t.png']);
    wb.worksheets[0].addRow([`${m}_2`, 'Second', 2, 'EUR']);
    expectImported(await upload(Buffer.from(await wb.xlsx.writeBuffer()), XLSX), 2, 0);
    expect((await listed(m)).map((i) => i.price).sort()).toEqual([150, 2]);
  });

  it('400/40001 for another format', async () => {
    const t = await template('pdf');
    expect(t.status).toBe(400);
  });
});
