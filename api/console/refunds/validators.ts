// The body of a refund asked in the console (CONTRACT.md 8.2): lib/domain/schemas.ts's ConsoleRefundSchema.
export { ConsoleRefundSchema as ConsoleRefundBody } from '../../../lib/domain/schemas';
