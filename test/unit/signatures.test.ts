// The contract's signature formulas against fixed vectors computed independently with Python's
// hmac module, exactly as the seed's gen_pay_sig / calc_signature examples do.
import {
  orderQuerySigOf,
  timedOrderQuerySigOf,
  isFreshTimestamp,
  payEventSigOf,
  paySigOf,
  signatureMatches,
  superappSignatureOf,
  userSignatureOf,
} from '../../lib/domain/signatures';

const SEED_SIGN_DATA =
  '{"mode":"goods","buyQuantity":1,"env":0,"currencyType":"USD","platform":"android","productId":"testproductId","goodsPrice":10,"outTradeNo":"xxxxxx","attach":"testdata"}';

describe('signature formulas (fixed vectors)', () => {
  it('paySig = hex(HMAC(appKey, "requestMidasPaymentGameItem&" + signData))', () => {
    expect(paySigOf('appkey-123', SEED_SIGN_DATA)).toBe('fc1e94cded8ebae032822696366a5919ca629b7b985e8df0f763ca4ef6119cf7');
  });
  it('signature = hex(HMAC(sessionKey, signData))', () => {
    expect(userSignatureOf('session-key-abc', SEED_SIGN_DATA)).toBe('92cb2ca22a403599c9f3d98029ecaa010ef667c1debc5382c2585871d76515a6');
  });
  it('timed Pay-Sig = hex(HMAC(appKey, "/v1/minigame/orders/query&" + timestamp + "&" + rawBody))', () => {
    expect(timedOrderQuerySigOf('appkey123', '1700000000', '{"appId":"a","outTradeNo":"T1"}')).toBe(
      '5f8fa25a85686415302f1f376005034022938b9640f4dbc5473f0f67d29d8550',
    );
  });
  it('a timestamp is fresh within 300 s either way, and only as unix seconds', () => {
    const now = 1_700_000_000_000;
    expect(isFreshTimestamp('1700000300', now)).toBe(true);
    expect(isFreshTimestamp('1699999700', now)).toBe(true);
    expect(isFreshTimestamp('1700000301', now)).toBe(false);
    expect(isFreshTimestamp('1699999699', now)).toBe(false);
    for (const bad of ['', '17e8', '-1', ' 1700000000', '1700000000.0']) expect(isFreshTimestamp(bad, now)).toBe(false);
  });
  it('X-Vpay-Signature = hex(HMAC(secret, timestamp + "." + rawBody))', () => {
    expect(superappSignatureOf('superapp-secret-xyz', '1700000000', '{"orderId":"o1"}')).toBe(
      '56a65d61564a070097e31610ce722a06f88d330f0e16140cdbc4e75d1d6940cc',
    );
  });
  it('PayEventSig = hex(HMAC(appKey, Event + "&" + Payload))', () => {
    expect(payEventSigOf('appkey-123', '{"OpenId":"u1"}')).toBe('798b4a0bd6d3667cc7a784638de8a641004c469332938fd53d4523f2d6f34fb9');
  });
  it('Pay-Sig of the order query = hex(HMAC(appKey, path + "&" + rawBody))', () => {
    expect(orderQuerySigOf('appkey-123', '{"appId":"a","outTradeNo":"t"}')).toBe(
      'd33b1a351a0701edad31fa818ea6762119788812e4d5a426191bc8ddee38e591',
    );
  });
  it('keys and messages are UTF-8, and raw bytes give the same MAC as their text', () => {
    const expected = '0556f391e5024e3a3b8b29aa1bd149f6c9c417d5533577801bccb465f068647e';
    expect(paySigOf('ключ', '{"attach":"宝石"}')).toBe(expected);
    expect(paySigOf('ключ', Buffer.from('{"attach":"宝石"}', 'utf8'))).toBe(expected);
  });
});

describe('signatureMatches', () => {
  const good = paySigOf('k', 'm');
  it('accepts the lower- and upper-case hex of the MAC', () => {
    expect(signatureMatches(good, good)).toBe(true);
    expect(signatureMatches(good.toUpperCase(), good)).toBe(true);
  });
  it.each([
    ['missing', undefined],
    ['not a string', 12345],
    ['empty', ''],
    ['too short', good.slice(0, 62)],
    ['too long', `${good}00`],
    ['not hex', `${good.slice(0, 63)}g`],
    ['one nibble off', `${good.slice(0, 63)}${good[63] === '0' ? '1' : '0'}`],
    ['base64 instead of hex', Buffer.from(good, 'hex').toString('base64')],
  ])('rejects a signature that is %s, without throwing', (_what, given) => {
    expect(signatureMatches(given, good)).toBe(false);
  });
  it('rejects every one-character change of a valid signature', () => {
    for (let i = 0; i < good.length; i++) {
      const flipped = good.slice(0, i) + (good[i] === 'a' ? 'b' : 'a') + good.slice(i + 1);
      expect(signatureMatches(flipped, good)).toBe(false);
    }
  });
});
