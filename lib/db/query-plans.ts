// What PostgreSQL plans for a query (EXPLAIN, not run), reduced to what the console's lists and
// exports promise: which index each scan of a table reads, and whether anything is sorted. Used
// by the plan tests (test/integration/console/orders-plans.test.ts) and the benchmark's scale
// scenario, which checks the same plans at 1,000,000 orders.
import type { Knex } from 'knex';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** The plan of `sql`, after `settings` (SET LOCAL ...) in the same transaction. */
export async function explain(
  db: Knex,
  sql: { sql: string; bindings: readonly unknown[] },
  settings: readonly string[] = [],
): Promise<PlanNode> {
  return db.transaction(async (trx) => {
    for (const setting of settings) await trx.raw(setting);
    const { rows } = await trx.raw(`explain (format json) ${sql.sql}`, sql.bindings as any[]);
    return rows[0]['QUERY PLAN'][0].Plan as PlanNode;
  });
}

/** Every node of the plan, depth first. */
export const planNodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(planNodes)];

/**
 * The plan's scans of `table`, as "Index Scan on <index>", or "Bitmap Heap Scan on <index>" for a
 * bitmap scan (its Bitmap Index Scans name the indexes; they carry no relation name), or
 * "Seq Scan" for a read of the whole table.
 */
export function tableScans(plan: PlanNode, table: string): string[] {
  return planNodes(plan)
    .filter((n) => n['Relation Name'] === table)
    .map((n) => {
      const index =
        n['Index Name'] ??
        planNodes(n)
          .filter((c) => c['Node Type'] === 'Bitmap Index Scan')
          .map((c) => c['Index Name'])
          .join(' + ');
      return `${n['Node Type']}${index ? ` on ${index}` : ''}`;
    });
}

/** Whether the plan sorts anything (a list walked in its index's order never does). */
export const sorts = (plan: PlanNode): boolean => planNodes(plan).some((n) => n['Node Type'] === 'Sort');
