// Shapes of what outsiders send vpay, validated with zod at the edge. Field names follow the
// seeds and CONTRACT.md exactly.
import { z } from 'zod';

export const OUT_TRADE_NO = /^[A-Za-z0-9_\-|*@.]{1,64}$/;
export const CURRENCY = /^[A-Z]{3}$/;
/** Identifiers vpay stores and puts in URLs: printable, no spaces, bounded. */
export const IDENT = /^[A-Za-z0-9_\-.@|*]{1,128}$/;

const moneyInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * Text vpay stores or compares: well-formed UTF-16 (a lone surrogate would be stored as U+FFFD
 * and no longer equal itself) and no NUL (PostgreSQL text cannot hold it).
 */
export const isStorableText = (s: string): boolean => !s.includes('\u0000') && s.isWellFormed();
/**
 * `s` made into text vpay can keep as a record of what a peer said (an error body, a rejection
 * message): NUL and lone surrogates become U+FFFD, one for one, and it is cut to at most `max`
 * UTF-16 units without splitting a surrogate pair. PostgreSQL refuses a NUL in text, which would
 * lose the whole row; a lone surrogate cannot be written as UTF-8, so the driver and Temporal's
 * protobuf would each turn it into something else. An identifier from a peer is not repaired
 * this way but refused (isStorableText), since a repaired one would name something else.
 */
export function toStorableText(s: string, max = Infinity): string {
  let cut = s;
  if (s.length > max) {
    const end = Math.max(0, Math.floor(max));
    const splitsPair = end > 0 && isHighSurrogate(s.charCodeAt(end - 1)) && isLowSurrogate(s.charCodeAt(end));
    cut = s.slice(0, splitsPair ? end - 1 : end);
  }
  return cut.replaceAll('\u0000', '\ufffd').toWellFormed();
}
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

const text = (min: number, max: number) =>
  z.string().min(min).max(max).refine(isStorableText, 'must be well-formed text without NUL characters');

/**
 * An ISO 8601 time with offset, passed on in UTC (`…Z`): PostgreSQL refuses offsets beyond
 * ±15:59 that ISO 8601 allows (say -23:59), and years outside 1 to 9999 are refused here.
 */
const isoTime = z
  .string()
  .datetime({ offset: true })
  .refine((t) => {
    const year = new Date(t).getUTCFullYear();
    return year >= 1 && year <= 9999;
  }, 'must be a time between years 1 and 9999')
  .transform((t) => new Date(t).toISOString());

export const SignDataSchema = z
  .object({
    mode: z.literal('goods'),
    buyQuantity: z.number().int().min(1).max(1_000_000),
    env: z.union([z.literal(0), z.literal(1)]),
    currencyType: z.string().regex(CURRENCY, 'an ISO 4217 code in upper case'),
    platform: text(0, 64).optional(),
    productId: z.string().regex(IDENT, '1..128 of [A-Za-z0-9_-.@|*]'),
    goodsPrice: moneyInt,
    outTradeNo: z.string().regex(OUT_TRADE_NO, '1..64 of [A-Za-z0-9_-|*@.]'),
    attach: text(0, 512).optional(),
  })
  .refine((s) => Number.isSafeInteger(s.goodsPrice * s.buyQuantity), {
    message: 'goodsPrice * buyQuantity is too large',
  });
export type SignData = z.infer<typeof SignDataSchema>;

/**
 * A signature field: checked by the route, where a missing or malformed one (not a string, too
 * long, not hex) is a 401 like a wrong one (CONTRACT.md 0), never a 400. Anything but a string of
 * at most 256 characters becomes '' here, which matches no signature.
 */
const signatureField = z
  .unknown()
  .optional()
  .transform((v) => (typeof v === 'string' && v.length <= 256 ? v : ''));

/** A player of an app, as the platform's login service names them. */
export const OpenId = text(1, 128);

export const PaymentRequestSchema = z.object({
  appId: z.string().regex(IDENT),
  openId: OpenId,
  signData: text(2, 8192).meta({
    description: 'JSON text of the SignData schema; both signatures are over exactly these characters.',
  }),
  // Described as the hex strings they should be (the schema itself takes anything: see signatureField).
  paySig: signatureField.meta({
    type: 'string',
    description: 'hex(HMAC(appKey, "requestMidasPaymentGameItem&" + signData)); wrong or missing: 401/40101',
  }),
  signature: signatureField.meta({
    type: 'string',
    description: "hex(HMAC(the user's session key, signData)); wrong or missing: 401/40102",
  }),
});
export type PaymentRequest = z.infer<typeof PaymentRequestSchema>;

export const PaymentCallbackSchema = z.object({
  orderId: text(1, 128),
  transactionId: text(1, 128),
  paidAmount: moneyInt,
  currencyType: z.string().regex(CURRENCY),
  paidAt: isoTime,
});
export type PaymentCallback = z.infer<typeof PaymentCallbackSchema>;

export const OrderQuerySchema = z.object({
  appId: text(1, 128),
  outTradeNo: text(1, 64),
});

/** A refund's reason as given (8.1, 8.2): kept and passed on; at most 256 characters. */
const refundReason = text(0, 256);
/** A refund amount as given: a whole number; that it is positive and fits is the check 42203 answers. */
const refundAmount = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/**
 * The superapp's refund (CONTRACT.md 8.1). Its refundId becomes the notice's X-Vpay-Delivery-Id
 * (`rfn_<refundId>`, 8.3) and part of a workflow ID: outTradeNo's alphabet, so no character a
 * header cannot carry (CR, LF, non-Latin-1) can make every notice attempt throw.
 */
export const SuperappRefundSchema = z.object({
  refundId: z.string().regex(OUT_TRADE_NO, '1..64 of [A-Za-z0-9_-|*@.]'),
  orderId: text(1, 128),
  transactionId: text(1, 128),
  refundAmount,
  currencyType: z.string().regex(CURRENCY),
  reason: refundReason.optional(),
  refundedAt: isoTime,
});
export type SuperappRefund = z.infer<typeof SuperappRefundSchema>;

/** What authenticating a Pay-Sig over the whole body needs of it: its appId (the rest is validated after). */
export const AppIdOnlySchema = z.looseObject({ appId: text(1, 128) });

/** A game backend's refund request (CONTRACT.md 8.2); outRefundNo has outTradeNo's alphabet. */
export const GameRefundSchema = z.object({
  appId: text(1, 128),
  outTradeNo: text(1, 64),
  outRefundNo: z.string().regex(OUT_TRADE_NO),
  refundAmount,
  reason: refundReason.optional(),
});
export type GameRefund = z.infer<typeof GameRefundSchema>;

/** A game backend's refund query (CONTRACT.md 8.2). */
export const RefundQuerySchema = z.object({
  appId: text(1, 128),
  outRefundNo: text(1, 64),
});

/** A console refund (CONTRACT.md 8.2); without outRefundNo, vpay derives one (application/console/order-refunds.ts, docs/API.md). */
export const ConsoleRefundSchema = z.strictObject({
  refundAmount,
  reason: refundReason,
  outRefundNo: z.string().regex(OUT_TRADE_NO).optional(),
});
export type ConsoleRefund = z.infer<typeof ConsoleRefundSchema>;

/** An http(s) URL vpay stores (a delivery URL, an item's image). */
export const httpUrl = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://')
  .refine(isStorableText, 'must be well-formed text without NUL characters');

const hasNoCredentials = (u: string): boolean => {
  try {
    const url = new URL(u);
    return url.username === '' && url.password === '';
  } catch {
    return false;
  }
};
/**
 * Where vpay delivers: never with a username or password, which would be stored, shown by the
 * admin API and written into every attempt's record (safe-post refuses them when used anyway).
 * Private and loopback hosts are refused by the admin route, which knows DELIVERY_ALLOW_PRIVATE
 * (and the console's, which also asks for the scheme's own port: CONTRACT.md 7.4).
 */
export const deliveryUrl = httpUrl.refine(hasNoCredentials, 'must not contain a username or password');

export const CreateAppSchema = z.object({
  name: text(1, 200),
  deliveryUrl,
  deliveryTestUrl: deliveryUrl.optional(),
  paymentEnabled: z.boolean().optional(),
  /** The console team that owns the app (CONTRACT.md 6, v1.1). */
  teamId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
});

export const PatchAppSchema = z
  .object({
    name: text(1, 200).optional(),
    deliveryUrl: deliveryUrl.optional(),
    deliveryTestUrl: deliveryUrl.nullable().optional(),
    paymentEnabled: z.boolean().optional(),
  })
  .strict();

export const PutItemSchema = z.object({
  name: text(1, 200),
  price: moneyInt,
  currencyType: z.string().regex(CURRENCY),
  imageUrl: httpUrl.optional(),
  released: z.boolean().optional(),
});

export const PutSessionSchema = z.object({
  sessionKey: text(1, 512),
  expiresAt: isoTime.optional(),
});

/** Parses signData's JSON text; undefined when it is not valid JSON of the contract's shape. */
export function parseSignData(text: string): SignData | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = SignDataSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}
