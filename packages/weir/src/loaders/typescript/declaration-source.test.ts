// The definition text as written: cut out of the user's file at the call's location.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../load-project.js';
import { declarationText } from './declaration-source.js';

const file = `import { asset, rowCount } from 'weir';
import { orders } from './raw.ts';

/** Paid revenue per customer. */
export const revenue = asset(
  { key: 'revenue', inputs: { orders }, checks: [rowCount({ min: 1 })], description: 'a ) in a string' },
  // a ( in a comment
  ({ orders }) => \`select customer, sum(amount) from \${orders} where status = ')' group by \${['customer'].join(')')}\`,
);
export const report = asset<{ n: number }>({ key: 'report' }, () => 'select 1'); export const other = 1;
  export const indented = weir.asset(
    { key: 'x' },
    () => "(",
  )
`;

describe('declarationText', () => {
  it('cuts the whole statement out, with the doc comment above it, whatever strings, templates and comments hold', () => {
    assert.equal(declarationText(file, 5, 23), `/** Paid revenue per customer. */
export const revenue = asset(
  { key: 'revenue', inputs: { orders }, checks: [rowCount({ min: 1 })], description: 'a ) in a string' },
  // a ( in a comment
  ({ orders }) => \`select customer, sum(amount) from \${orders} where status = ')' group by \${['customer'].join(')')}\`,
);`);
  });

  it('stops at the call’s own closing parenthesis, takes type arguments and member callees, and dedents', () => {
    assert.equal(declarationText(file, 10, 23), "export const report = asset<{ n: number }>({ key: 'report' }, () => 'select 1');");
    assert.equal(declarationText(file, 11, 32), 'export const indented = weir.asset(\n  { key: \'x\' },\n  () => "(",\n)');
  });

  it('gives up where the location is not a call, or the parentheses never close', () => {
    assert.equal(declarationText(file, 1, 1), undefined);
    assert.equal(declarationText('export const a = asset(\n  { key: "a" },\n', 1, 18), undefined);
    assert.equal(declarationText(file, 99, 1), undefined);
  });
});

describe('loaded TypeScript assets', () => {
  it('carry their declaration as written, types and import names included, beside the compiled code', async () => {
    // What bin/weir.js does: stack frames (and so definition locations) point at the user's .ts file.
    process.setSourceMapsEnabled(true);
    const dir = mkdtempSync(join(tmpdir(), 'weir-source-'));
    try {
      mkdirSync(join(dir, 'definitions'));
      writeFileSync(join(dir, 'weir.yaml'), 'name: source_test\ndefinitions: definitions/*.ts\n');
      const declaration = `/** Typed on purpose: the bundler strips this. */
export const typed = asset(
  { key: 'typed', checks: [rowCount({ min: 1 })] },
  (): string => {
    const n: number = 3;
    return \`select * from range(\${n})\`;
  },
);`;
      writeFileSync(join(dir, 'definitions', 'typed.ts'), `import { asset, rowCount } from 'weir';\n\n${declaration}\n`);
      const { definitions } = await loadProject(dir, {});
      const typed = definitions.assets.find((a) => a.key === 'typed')!;
      assert.equal(typed.source, declaration);
      assert.doesNotMatch(typed.code!, /: number/, 'the compiled code has no types: it is not what the user wrote');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
