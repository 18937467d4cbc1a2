// Query parameters of the console dashboard (docs/CONSOLE.md, *Dashboard*). `from` and `to` stay
// text here: a day that is not YYYY-MM-DD, or a range over 92 days, is a bad date range
// (400/40003), which the application judges with the range (lib/domain/day-range.ts). `tz` is
// checked against PostgreSQL's zone names there too; here only its spelling.
import { z } from 'zod';

/** An empty parameter (`env=`, as a form sends an unset field) is no filter. */
const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);
const optional = <S extends z.ZodType>(schema: S) => z.preprocess(blankIsAbsent, schema.optional());

const Env = optional(
  z
    .enum(['0', '1'])
    .transform((v) => Number(v) as 0 | 1)
    .meta({ description: '0 production, 1 sandbox; absent: both, as the order records' }),
);

const Day = (description: string) => optional(z.string().max(64).meta({ description }));

export const DashboardDaysQuery = z.object({
  from: Day('the first day shown, YYYY-MM-DD in `tz`, included; default 6 days before `to`'),
  to: Day('the last day shown, YYYY-MM-DD in `tz`, included; default today in `tz`'),
  tz: z.preprocess(
    blankIsAbsent,
    z
      .string()
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'must be an IANA time zone name such as Europe/Berlin')
      .default('UTC')
      .meta({
        description:
          "the viewer's IANA time zone, which draws the days' boundaries (one PostgreSQL knows, not also an abbreviation such as CET); default UTC",
      }),
  ),
  env: Env,
});

export const DashboardNowQuery = z.object({ env: Env });
