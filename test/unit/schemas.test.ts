import {
  parseSignData,
  PaymentCallbackSchema,
  PaymentRequestSchema,
  CreateAppSchema,
  PatchAppSchema,
  toStorableText,
  SuperappRefundSchema,
  GameRefundSchema,
  ConsoleRefundSchema,
  RefundQuerySchema,
} from '../../lib/domain/schemas';

const base = {
  mode: 'goods',
  buyQuantity: 1,
  env: 0,
  currencyType: 'USD',
  platform: 'android',
  productId: 'testproductId',
  goodsPrice: 10,
  outTradeNo: 'xxxxxx',
  attach: 'testdata',
};
const sd = (over: Record<string, unknown> = {}) => JSON.stringify({ ...base, ...over });

describe('signData', () => {
  it("parses the seed's example", () => {
    expect(parseSignData(sd())).toEqual(base);
  });
  it('accepts the optional fields missing and env 1 (sandbox)', () => {
    const { platform: _p, attach: _a, ...min } = base;
    expect(parseSignData(JSON.stringify({ ...min, env: 1 }))).toMatchObject({ env: 1 });
  });
  it('accepts every outTradeNo character and lengths 1 and 64', () => {
    expect(parseSignData(sd({ outTradeNo: 'Az09_-|*@.' }))).toBeDefined();
    expect(parseSignData(sd({ outTradeNo: 'a' }))).toBeDefined();
    expect(parseSignData(sd({ outTradeNo: 'a'.repeat(64) }))).toBeDefined();
  });
  it.each([
    ['not JSON', '{"mode":'],
    ['a JSON array', '[]'],
    ['a JSON string', '"goods"'],
    ['mode other than goods', sd({ mode: 'subscription' })],
    ['buyQuantity 0', sd({ buyQuantity: 0 })],
    ['buyQuantity fractional', sd({ buyQuantity: 1.5 })],
    ['buyQuantity as a string', sd({ buyQuantity: '1' })],
    ['env 2', sd({ env: 2 })],
    ['goodsPrice 0', sd({ goodsPrice: 0 })],
    ['goodsPrice negative', sd({ goodsPrice: -1 })],
    ['goodsPrice fractional', sd({ goodsPrice: 9.99 })],
    ['goodsPrice beyond safe integers', sd({ goodsPrice: 2 ** 53 })],
    ['a total beyond safe integers', sd({ goodsPrice: 2 ** 50, buyQuantity: 16 })],
    ['currency in lower case', sd({ currencyType: 'usd' })],
    ['currency not 3 letters', sd({ currencyType: 'US' })],
    ['outTradeNo empty', sd({ outTradeNo: '' })],
    ['outTradeNo 65 long', sd({ outTradeNo: 'a'.repeat(65) })],
    ['outTradeNo with a space', sd({ outTradeNo: 'a b' })],
    ['outTradeNo with a colon', sd({ outTradeNo: 'a:b' })],
    ['productId missing', sd({ productId: undefined })],
    ['attach over 512', sd({ attach: 'x'.repeat(513) })],
  ])('rejects %s', (_what, text) => {
    expect(parseSignData(text)).toBeUndefined();
  });
  it('allows attach of exactly 512 characters', () => {
    expect(parseSignData(sd({ attach: 'x'.repeat(512) }))).toBeDefined();
  });
});

describe('request bodies', () => {
  it('requires every payment request field but the signatures as a string', () => {
    const ok = { appId: 'app1', openId: 'u', signData: sd(), paySig: 'a', signature: 'b' };
    expect(PaymentRequestSchema.safeParse(ok).success).toBe(true);
    for (const k of ['appId', 'openId', 'signData']) {
      expect(PaymentRequestSchema.safeParse({ ...ok, [k]: undefined }).success).toBe(false);
      expect(PaymentRequestSchema.safeParse({ ...ok, [k]: 1 }).success).toBe(false);
    }
  });
  it('keeps a missing or malformed signature as one that matches nothing (a 401 at the route, not a 400)', () => {
    const ok = { appId: 'app1', openId: 'u', signData: sd(), paySig: 'a', signature: 'b' };
    for (const k of ['paySig', 'signature']) {
      for (const bad of [undefined, null, 1, ['ab'], 'f'.repeat(257)]) {
        const r = PaymentRequestSchema.safeParse({ ...ok, [k]: bad });
        expect(r.success && r.data[k as 'paySig' | 'signature']).toBe('');
      }
    }
  });
  it('requires integer amounts and ISO times in the payment callback', () => {
    const ok = { orderId: 'o', transactionId: 't', paidAmount: 1000, currencyType: 'USD', paidAt: '2026-11-21T10:00:00Z' };
    expect(PaymentCallbackSchema.safeParse(ok).success).toBe(true);
    expect(PaymentCallbackSchema.safeParse({ ...ok, paidAmount: 10.5 }).success).toBe(false);
    expect(PaymentCallbackSchema.safeParse({ ...ok, paidAmount: '1000' }).success).toBe(false);
    expect(PaymentCallbackSchema.safeParse({ ...ok, paidAt: 'yesterday' }).success).toBe(false);
  });
  it('takes only http(s) delivery URLs', () => {
    expect(CreateAppSchema.safeParse({ name: 'g', deliveryUrl: 'https://dev.example/deliver' }).success).toBe(true);
    expect(CreateAppSchema.safeParse({ name: 'g', deliveryUrl: 'ftp://dev.example/deliver' }).success).toBe(false);
    expect(CreateAppSchema.safeParse({ name: 'g', deliveryUrl: 'javascript:alert(1)' }).success).toBe(false);
  });
  it('takes no delivery URL with a username or password', () => {
    for (const url of ['https://u:p@dev.example/d', 'https://u@dev.example/d', 'https://:p@dev.example/d', 'HTTP://u:p@DEV.example']) {
      expect(CreateAppSchema.safeParse({ name: 'g', deliveryUrl: url }).success).toBe(false);
      expect(CreateAppSchema.safeParse({ name: 'g', deliveryUrl: 'https://dev.example/d', deliveryTestUrl: url }).success).toBe(false);
      expect(PatchAppSchema.safeParse({ deliveryUrl: url }).success).toBe(false);
      expect(PatchAppSchema.safeParse({ deliveryTestUrl: url }).success).toBe(false);
    }
    expect(CreateAppSchema.safeParse({ name: 'g', deliveryUrl: 'https://dev.example/d/@x?a=b@c#u:p@' }).success).toBe(true);
  });
});

describe('storable text', () => {
  it('refuses NUL and lone surrogates anywhere vpay stores or compares text', () => {
    expect(parseSignData(sd({ attach: 'a\u0000' }))).toBeUndefined();
    expect(parseSignData(sd({ platform: 'x\ud800' }))).toBeUndefined();
    const cb = { orderId: 'o', transactionId: 't', paidAmount: 1, currencyType: 'USD', paidAt: '2026-11-21T10:00:00Z' };
    expect(PaymentCallbackSchema.safeParse({ ...cb, transactionId: 't\u0000' }).success).toBe(false);
    expect(PaymentCallbackSchema.safeParse({ ...cb, transactionId: 't\ud800' }).success).toBe(false);
    const req = { appId: 'app1', openId: 'u', signData: sd(), paySig: 'a', signature: 'b' };
    expect(PaymentRequestSchema.safeParse({ ...req, openId: 'u\u0000' }).success).toBe(false);
    expect(PaymentRequestSchema.safeParse({ ...req, signData: `${sd()}\udc00` }).success).toBe(false);
  });
  it('refuses times PostgreSQL cannot store', () => {
    const cb = { orderId: 'o', transactionId: 't', paidAmount: 1, currencyType: 'USD' };
    expect(PaymentCallbackSchema.safeParse({ ...cb, paidAt: '0000-01-01T00:00:00Z' }).success).toBe(false);
    expect(PaymentCallbackSchema.safeParse({ ...cb, paidAt: '0001-01-01T00:00:00Z' }).success).toBe(true);
    // An offset PostgreSQL refuses (beyond ±15:59) is accepted and passed on in UTC.
    expect(PaymentCallbackSchema.parse({ ...cb, paidAt: '1970-01-01T00:00:00-23:59' }).paidAt).toBe('1970-01-01T23:59:00.000Z');
  });
});

describe('toStorableText', () => {
  it('leaves well-formed text without NUL as it is', () => {
    for (const t of ['', 'plain', 'émoji \u{1F600} and 中文', 'a\tb\nc']) expect(toStorableText(t)).toBe(t);
  });
  it('replaces NUL and lone surrogates with U+FFFD, one for one', () => {
    expect(toStorableText('a\u0000b')).toBe('a\ufffdb');
    expect(toStorableText('\ud800x\udc00')).toBe('\ufffdx\ufffd');
    expect(toStorableText('\udc00\ud800')).toBe('\ufffd\ufffd');
    expect(toStorableText('end\ud83d')).toBe('end\ufffd');
  });
  it('cuts to at most max UTF-16 units without splitting a surrogate pair', () => {
    expect(toStorableText('abcdef', 3)).toBe('abc');
    expect(toStorableText('ab\u{1F600}', 3)).toBe('ab');
    expect(toStorableText('ab\u{1F600}', 4)).toBe('ab\u{1F600}');
    expect(toStorableText('a\u0000\u{1F600}z', 3)).toBe('a\ufffd');
    expect(toStorableText('abc', 0)).toBe('');
  });
  it('always answers text a storable-text check accepts', () => {
    const nasty = ['\u0000', '\ud800', '\udfff', '\u{1F600}', 'x'];
    for (let i = 0; i < 500; i++) {
      let s = '';
      for (let j = 0; j < 12; j++) s += nasty[(i * 7 + j * 13 + j * j) % nasty.length];
      const out = toStorableText(s, i % 15);
      expect(out.isWellFormed() && !out.includes('\u0000')).toBe(true);
      expect(out.length).toBeLessThanOrEqual(i % 15);
    }
  });
});

describe('refund bodies (CONTRACT.md 8)', () => {
  const sa = {
    refundId: 'sa1',
    orderId: 'ord1',
    transactionId: 'txn1',
    refundAmount: 100,
    currencyType: 'USD',
    refundedAt: '2026-11-21T18:00:00+08:00',
  };
  it("takes the superapp's refund (8.1), reason optional, refundedAt kept in UTC", () => {
    expect(SuperappRefundSchema.parse(sa)).toEqual({ ...sa, refundedAt: '2026-11-21T10:00:00.000Z' });
    expect(SuperappRefundSchema.parse({ ...sa, reason: 'r' }).reason).toBe('r');
  });
  it('leaves a non-positive amount to the 42203 check, but refuses what is no whole number', () => {
    expect(SuperappRefundSchema.safeParse({ ...sa, refundAmount: 0 }).success).toBe(true);
    expect(SuperappRefundSchema.safeParse({ ...sa, refundAmount: -1 }).success).toBe(true);
    expect(SuperappRefundSchema.safeParse({ ...sa, refundAmount: 1.5 }).success).toBe(false);
    expect(SuperappRefundSchema.safeParse({ ...sa, refundAmount: '100' }).success).toBe(false);
  });
  it('refuses a missing field, a lower-case currency, a bad time, a refundId PostgreSQL cannot keep', () => {
    for (const k of ['refundId', 'orderId', 'transactionId', 'refundAmount', 'currencyType', 'refundedAt']) {
      const { [k]: _gone, ...rest } = sa as Record<string, unknown>;
      expect(SuperappRefundSchema.safeParse(rest).success).toBe(false);
    }
    expect(SuperappRefundSchema.safeParse({ ...sa, currencyType: 'usd' }).success).toBe(false);
    expect(SuperappRefundSchema.safeParse({ ...sa, refundedAt: 'yesterday' }).success).toBe(false);
    expect(SuperappRefundSchema.safeParse({ ...sa, refundId: 'a\u0000b' }).success).toBe(false);
    expect(SuperappRefundSchema.safeParse({ ...sa, refundId: 'x'.repeat(65) }).success).toBe(false);
  });
  it("refuses a refundId a header cannot carry (it becomes X-Vpay-Delivery-Id): outTradeNo's alphabet only", () => {
    expect(SuperappRefundSchema.safeParse({ ...sa, refundId: 'Az09_-|*@.' }).success).toBe(true);
    for (const bad of ['a\r\nX-Evil: 1', 'a\nb', 'réfund', '退款', 'a b', 'a:b', '']) {
      expect(SuperappRefundSchema.safeParse({ ...sa, refundId: bad }).success).toBe(false);
    }
  });
  it("takes a game backend's refund with outRefundNo in outTradeNo's alphabet (8.2)", () => {
    const g = { appId: 'app1', outTradeNo: 'T1', outRefundNo: 'Az09_-|*@.', refundAmount: 5 };
    expect(GameRefundSchema.parse(g)).toEqual(g);
    expect(GameRefundSchema.safeParse({ ...g, outRefundNo: 'a:b' }).success).toBe(false);
    expect(GameRefundSchema.safeParse({ ...g, outRefundNo: '' }).success).toBe(false);
    expect(GameRefundSchema.safeParse({ ...g, outRefundNo: 'x'.repeat(65) }).success).toBe(false);
    expect(RefundQuerySchema.safeParse({ appId: 'app1', outRefundNo: 'R1' }).success).toBe(true);
  });
  it("takes the console's refund strictly: reason required, outRefundNo optional, nothing else", () => {
    expect(ConsoleRefundSchema.parse({ refundAmount: 1, reason: 'r' })).toEqual({ refundAmount: 1, reason: 'r' });
    expect(ConsoleRefundSchema.safeParse({ refundAmount: 1 }).success).toBe(false);
    expect(ConsoleRefundSchema.safeParse({ refundAmount: 1, reason: 'r', extra: 1 }).success).toBe(false);
  });
});
