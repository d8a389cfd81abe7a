/** custom: a user's function decides; its outcome is mapped to an evaluation, and a throw is a failed check. */
import { toJsonSafe } from '../../shared/json.js';
import type { CustomCheck, CustomCheckOutcome } from '../../definitions/check.js';
import type { BuiltinCheck, CheckResult } from '../check-target.js';
import { oneLine } from './format.js';

function isOutcome(value: unknown): value is CustomCheckOutcome {
  return !!value && typeof value === 'object' && typeof (value as CustomCheckOutcome).passed === 'boolean';
}

/** Every message starts with the check's name; a function that already wrote it is not named twice. */
function named(name: string, message: string): string {
  return message.startsWith(`${name}:`) ? message : `${name}: ${message}`;
}

/**
 * The function gets the staged relation, the staged file (for file assets) and `query`; the queries it ran are
 * kept as the evaluation's `sql`. A throw becomes a failed evaluation whose message is the error's, on one line.
 *
 * @example
 * // check('prices_rounded', async ({ query, relation }) => {
 * //   const [row] = await query(`select count(*) as n from ${relation} where price <> round(price, 2)`);
 * //   return { passed: row.n === 0, observed: row.n, expected: 0, failingRows: row.n };
 * // })
 * // → { passed: true, observed: 0, expected: 0, failingRows: 0, message: 'prices_rounded: passed' }
 */
export const customCheck: BuiltinCheck<CustomCheck> = {
  expected: () => null,

  async evaluate(spec, target) {
    const queries: string[] = [];
    const sql = () => (queries.length ? queries.join(';\n') : undefined);
    let outcome: unknown;
    try {
      outcome = await spec.fn({
        relation: target.relation,
        ...(target.path !== undefined ? { path: target.path } : {}),
        ...(target.partition ? { partition: target.partition } : {}),
        query: <T>(text: string) => {
          queries.push(text);
          return target.runner.query<T>(text);
        },
      });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      return { passed: false, observed: null, expected: null, failingRows: null, samples: [], message: named(spec.name, oneLine(text)), sql: sql() };
    }
    if (!isOutcome(outcome)) {
      const got = outcome === undefined ? 'nothing' : oneLine(JSON.stringify(toJsonSafe(outcome)) ?? String(outcome));
      return {
        passed: false, observed: null, expected: null, failingRows: null, samples: [], sql: sql(),
        message: `${spec.name}: returned ${got}; a custom check must return { passed: true | false, … }`,
      };
    }
    const result: CheckResult = {
      passed: outcome.passed,
      observed: toJsonSafe(outcome.observed ?? null),
      expected: toJsonSafe(outcome.expected ?? null),
      failingRows: typeof outcome.failingRows === 'number' ? outcome.failingRows : outcome.failingRows == null ? null : Number(outcome.failingRows),
      samples: Array.isArray(outcome.samples) ? outcome.samples.map((row) => toJsonSafe(row) as Record<string, unknown>) : [],
      message: named(spec.name, oneLine(outcome.message ?? (outcome.passed ? 'passed' : 'failed'))),
      ...(outcome.passed && outcome.isWarning === true ? { isWarning: true } : {}),
      sql: sql(),
    };
    return result;
  },
};
