/**
 * dbt model contracts (`contract: {enforced: true}`): the model's columns must match the yml's names and data types,
 * checked on the staged relation before it is published, as a blocking check, so a model that breaks its contract
 * never replaces the published table. Column `constraints` of type not_null are checked the same way.
 */
import { check, notNull, type CheckSpec, type CustomCheckContext, type CustomCheckOutcome } from '../../definitions/check.js';
import { WeirError } from '../../shared/errors.js';
import { quoteIdent } from './materializations.js';
import type { DbtModelNode } from './types.js';

interface Mismatch { column: string; definitionType: string; contractType: string; reason: string }

/**
 * The checks a model's contract and constraints add; none when it has no enforced contract.
 *
 * @example
 * contractChecks(node, 'models/customers.sql') // [{ type: 'custom', name: 'contract', severity: 'error', … }, { type: 'not_null', … }]
 */
export function contractChecks(node: DbtModelNode, file: string): CheckSpec[] {
  const contract = (node.config as Record<string, unknown>).contract as { enforced?: unknown } | undefined;
  if (contract?.enforced !== true) return [];
  const declared = Object.values(node.columns);
  const untyped = declared.filter((c) => !c.data_type).map((c) => c.name);
  if (!declared.length || untyped.length) {
    throw new WeirError(`${file}: model '${node.name}' has an enforced contract, so each of its columns needs a data_type${untyped.length ? ` (missing: ${untyped.join(', ')})` : ' (its yml lists no columns)'}`, {
      code: 'DBT_CONTRACT_INVALID', location: { file }, hint: 'List every column of the model in its yml entry with name and data_type, as dbt requires.',
    });
  }
  const checks: CheckSpec[] = [check('contract', (ctx) => checkContract(ctx, declared.map((c) => ({ name: c.name, type: String(c.data_type) }))), {
    severity: 'error', description: `columns and data types match the contract in ${node.patchPath?.replace(/^[^:]+:\/\//, '') ?? 'the yml'}`,
  })];
  const required = declared.filter((c) => (c.constraints as Array<{ type?: unknown }>).some((k) => k?.type === 'not_null')).map((c) => c.name);
  if (required.length) checks.push(notNull(required, { name: 'constraint_not_null', severity: 'error', description: 'not_null constraints of the contract' }));
  return checks;
}

async function checkContract(ctx: CustomCheckContext, declared: Array<{ name: string; type: string }>): Promise<CustomCheckOutcome> {
  const actual = await ctx.query<{ column_name: string; column_type: string }>(`describe select * from ${ctx.relation}`);
  // DuckDB spells the declared types its own way (int → INTEGER, text → VARCHAR): ask it, so aliases compare equal.
  const canonical = await ctx.query<{ column_name: string; column_type: string }>(`describe select ${declared.map((c, i) => `cast(null as ${c.type}) as ${quoteIdent(`c${i}`)}`).join(', ')}`);
  const contractType = new Map(declared.map((c, i) => [c.name.toLowerCase(), { spelled: c.type, type: canonical[i]!.column_type }]));
  const modelType = new Map(actual.map((c) => [c.column_name.toLowerCase(), c.column_type]));
  const mismatches: Mismatch[] = [];
  for (const c of actual) {
    const expected = contractType.get(c.column_name.toLowerCase());
    if (!expected) mismatches.push({ column: c.column_name, definitionType: c.column_type, contractType: '', reason: 'missing in contract' });
    else if (expected.type !== c.column_type) mismatches.push({ column: c.column_name, definitionType: c.column_type, contractType: expected.type, reason: 'data type mismatch' });
  }
  for (const c of declared) {
    if (!modelType.has(c.name.toLowerCase())) mismatches.push({ column: c.name, definitionType: '', contractType: contractType.get(c.name.toLowerCase())!.type, reason: 'missing in definition' });
  }
  if (!mismatches.length) return { passed: true, observed: 0, expected: 0, message: 'the columns match the contract' };
  const rows = mismatches.map((m) => `| ${m.column} | ${m.definitionType} | ${m.contractType} | ${m.reason} |`);
  return {
    passed: false, observed: mismatches.length, expected: 0,
    message: `This model has an enforced contract that failed. Please ensure the name, data_type, and number of columns in your contract match the columns in your model's definition. | column_name | definition_type | contract_type | mismatch_reason | ${rows.join(' ')}`,
    samples: mismatches.map((m) => ({ column_name: m.column, definition_type: m.definitionType, contract_type: m.contractType, mismatch_reason: m.reason })),
  };
}
