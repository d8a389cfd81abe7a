/**
 * The text of a definition as the user wrote it: the statement around an `asset(…)` call, cut out of the user's
 * .ts file at the call's source location (which source maps give for the compiled module). The function's own
 * `toString()` is the bundler's output (renamed imports, stripped types), not what the user reads in their editor.
 */
import { readFileSync } from 'node:fs';
import type { AssetDefinition } from '../../definitions/asset.js';

/**
 * The statement holding the call whose callee starts at `line`:`column` (1-based, as stack frames give them):
 * from the start of its first line, with the comment lines right above it, to the closing parenthesis (and `;`),
 * dedented. Undefined when the text there is not a call whose parentheses balance.
 *
 * @example
 * declarationText("import { asset } from 'weir';\n// Orders, typed.\nexport const orders = asset(\n  { key: 'orders' },\n  () => 'select 1',\n);\n", 3, 23)
 * // "// Orders, typed.\nexport const orders = asset(\n  { key: 'orders' },\n  () => 'select 1',\n);"
 */
export function declarationText(text: string, line: number, column: number): string | undefined {
  const lines = text.split('\n');
  if (line < 1 || line > lines.length) return undefined;
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i]!.length + 1;
  const callee = offset + Math.max(0, column - 1);
  const open = text.indexOf('(', callee);
  // Only an identifier, dots and type arguments may stand between the callee and its parenthesis.
  if (open < 0 || !/^[\w$.\s]*(<[^()]*>)?\s*$/.test(text.slice(callee, open))) return undefined;
  const close = matchingParen(text, open);
  if (close === undefined) return undefined;
  const end = text[close + 1] === ';' ? close + 2 : close + 1;
  let first = line - 1;
  while (first > 0 && /^\s*(\/\/|\/\*|\*)/.test(lines[first - 1]!)) first--;
  let start = 0;
  for (let i = 0; i < first; i++) start += lines[i]!.length + 1;
  return dedent(text.slice(start, end));
}

/** The index of the `)` closing the `(` at `open`, skipping strings, template literals and comments. */
function matchingParen(text: string, open: number): number | undefined {
  // A stack of what we are inside: '(' '{' '[' for brackets, '`' for a template, '${' for a template's expression.
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (top === '`') {
      if (c === '\\') i++;
      else if (c === '`') stack.pop();
      else if (c === '$' && text[i + 1] === '{') {
        stack.push('${');
        i++;
      }
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else if (c === '/' && text[i + 1] === '*') {
      const endComment = text.indexOf('*/', i + 2);
      if (endComment < 0) return undefined;
      i = endComment + 1;
    } else if (c === "'" || c === '"') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '`') stack.push('`');
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c === ')' || c === ']' || c === '}') {
      const opened = stack.pop();
      const expected = c === ')' ? '(' : c === ']' ? '[' : ['{', '${'];
      if (!opened || !(Array.isArray(expected) ? expected.includes(opened) : opened === expected)) return undefined;
      if (!stack.length) return c === ')' ? i : undefined;
    }
  }
  return undefined;
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

/**
 * Each TypeScript asset with its declaration's text (`source`), read from the files the locations name (each
 * file once) when they are among `sourceFiles`, the user's files that went into the build. A location in the
 * compiled module (source maps off: `bin/weir.js` turns them on) or text that cannot be cut out leaves only `code`.
 *
 * @example
 * withDeclarationSource([orders], ['/proj/definitions/raw.ts'])[0].source // "export const orders = asset(\n  { key: 'orders' },\n  …\n);"
 */
export function withDeclarationSource(assets: readonly AssetDefinition[], sourceFiles: readonly string[]): AssetDefinition[] {
  const userFiles = new Set(sourceFiles);
  const files = new Map<string, string | undefined>();
  const read = (file: string) => {
    if (!files.has(file)) {
      try {
        files.set(file, readFileSync(file, 'utf8'));
      } catch {
        files.set(file, undefined); // moved or unreadable: the compiled code is shown instead
      }
    }
    return files.get(file);
  };
  return assets.map((a) => {
    const { location } = a;
    if (a.origin !== 'typescript' || !location?.line || !location.column || !userFiles.has(location.file)) return a;
    const text = read(location.file);
    const source = text === undefined ? undefined : declarationText(text, location.line, location.column);
    return source ? Object.freeze({ ...a, source }) : a;
  });
}
