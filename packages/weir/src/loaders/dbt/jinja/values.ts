/** Runtime value classes of @huggingface/jinja, reached through instances, and JS <-> Jinja conversion. */
import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';

// @huggingface/jinja 0.5.11 (pinned exactly) exports only Environment, Interpreter, tokenize and parse. Its value
// classes are reached through instances it creates; a version bump must re-run the jinja tests.

/** The shape every runtime value shares. */
export interface JinjaValue {
  type: string;
  value: any;
  toString(): string;
  __bool__(): { value: boolean };
  readonly builtins: ReadonlyMap<string, JinjaValue>;
}

// Instances are typed `any` on purpose: all value classes share one shape, so `instanceof` on a typed JinjaValue
// would narrow the else-branch to `never`.
type ValueClass<T> = new (value?: T) => any;
export type JinjaFn = (args: JinjaValue[], scope: Environment) => JinjaValue;

const probe = new Environment();
const ctor = (name: string, js: unknown): any => probe.set(name, js).constructor;

export const StringValue: ValueClass<string> = ctor('s', '');
export const IntegerValue: ValueClass<number> = ctor('i', 1);
export const FloatValue: ValueClass<number> = ctor('f', 1.5);
export const BooleanValue: ValueClass<boolean> = ctor('b', true);
export const NullValue: ValueClass<null> = ctor('n', null);
export const UndefinedValue: ValueClass<undefined> = ctor('u', undefined);
export const ArrayValue: ValueClass<JinjaValue[]> = ctor('a', []);
export const ObjectValue: ValueClass<Map<string, JinjaValue>> = ctor('o', {});
export const FunctionValue: ValueClass<JinjaFn> = ctor('fn', () => null);
/** The common base of all value classes, for `instanceof` checks on anything the engine made. */
export const RuntimeValue: abstract new (...args: any[]) => JinjaValue = Object.getPrototypeOf(StringValue.prototype).constructor;

let captured: JinjaValue[] = [];
probe.variables.set('capture', new FunctionValue((args) => { captured = args; return new NullValue(); }));
new Interpreter(probe).run(parse(tokenize('{{ capture((1, 2), k=1) }}')));
export const TupleValue: ValueClass<JinjaValue[]> = captured[0]!.constructor as any;
export const KeywordArgumentsValue: ValueClass<Map<string, JinjaValue>> = captured[1]!.constructor as any;
export const NamespaceValue: ValueClass<Map<string, JinjaValue>> = (probe.lookupVariable('namespace').value as JinjaFn)([], probe).constructor as any;

export const isString = (v: JinjaValue | undefined): boolean => v instanceof StringValue;
export const isArray = (v: JinjaValue | undefined): boolean => v instanceof ArrayValue;
export const isObject = (v: JinjaValue | undefined): boolean => v instanceof ObjectValue || v instanceof NamespaceValue;
export const isNone = (v: JinjaValue | undefined): boolean => v === undefined || v instanceof NullValue || v instanceof UndefinedValue;

/** A relation (`{{ this }}`, `{{ ref('x') }}`): an object with attributes whose string form is the quoted name. */
export class RelationValue extends (ObjectValue as unknown as new (value: Map<string, JinjaValue>) => JinjaValue) {
  override type = 'ObjectValue';
  constructor(readonly relation: JsRelation, fields: Map<string, JinjaValue>) {
    super(fields);
  }
  override toString(): string {
    return this.relation.rendered;
  }
}

/** An object with attributes that prints as given, like a Python object with `__str__` (a datetime). */
export class PrintableValue extends (ObjectValue as unknown as new (value: Map<string, JinjaValue>) => JinjaValue) {
  override type = 'ObjectValue';
  constructor(readonly printed: string, fields: Map<string, JinjaValue>) {
    super(fields);
  }
  override toString(): string {
    return this.printed;
  }
}

/** The JS side of a relation: what Weir needs to know about a table or view. */
export interface JsRelation {
  database: string | null;
  schema: string | null;
  identifier: string;
  /** The quoted name, e.g. `"dev"."main"."orders"`, or for an ephemeral model `__dbt__cte__orders`. */
  rendered: string;
  type?: 'table' | 'view' | 'cte' | 'external' | null;
}

/** A JS function callable from Jinja; keyword arguments arrive as a plain object. */
export function jsFunction(fn: (args: JinjaValue[], kwargs: Record<string, JinjaValue>, scope: Environment) => JinjaValue): JinjaValue {
  return new FunctionValue((args, scope) => {
    const last: JinjaValue | undefined = args.at(-1);
    if (last instanceof KeywordArgumentsValue) {
      return fn(args.slice(0, -1), Object.fromEntries(last!.value as Map<string, JinjaValue>), scope);
    }
    return fn(args, {}, scope);
  });
}

/** Converts a Jinja value to plain JS (relations become their `JsRelation`, functions stay as they are). */
export function toJs(value: JinjaValue | undefined): any {
  if (value === undefined || value instanceof UndefinedValue) return undefined;
  if (value instanceof NullValue) return null;
  if (value instanceof RelationValue) return value.relation;
  if (value instanceof ArrayValue) return (value.value as JinjaValue[]).map(toJs);
  if (value instanceof ObjectValue || value instanceof NamespaceValue) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value.value as Map<string, JinjaValue>) out[k] = toJs(v);
    return out;
  }
  if (value instanceof FunctionValue) return value;
  return value.value;
}

/** Converts plain JS to a Jinja value. Values the engine made pass through unchanged. */
export function toJinja(value: unknown): JinjaValue {
  if (value instanceof RuntimeValue) return value;
  if (value === undefined) return new UndefinedValue();
  if (value === null) return new NullValue();
  switch (typeof value) {
    case 'string': return new StringValue(value);
    case 'number': return Number.isInteger(value) ? new IntegerValue(value) : new FloatValue(value);
    case 'bigint': return new IntegerValue(Number(value));
    case 'boolean': return new BooleanValue(value);
    case 'function': return jsFunction((args) => toJinja((value as (...a: unknown[]) => unknown)(...args.map(toJs))));
  }
  if (Array.isArray(value)) return new ArrayValue(value.map(toJinja));
  if (value instanceof Date) return new StringValue(value.toISOString());
  return new ObjectValue(new Map(Object.entries(value as object).map(([k, v]) => [k, toJinja(v)])));
}

/** Python's `repr()` of a string: single quotes unless the text holds one and no double quote. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return quote + out + quote;
}

function pyReprValue(value: JinjaValue): string {
  if (value instanceof StringValue) return pyRepr(value.value);
  return pyStr(value);
}

/** How Python's Jinja2 prints a value: `True`, `None`, `['a', 'b']`, `('a',)`, `{'k': 1}`. */
export function pyStr(value: JinjaValue | undefined): string {
  if (value === undefined || value instanceof UndefinedValue) return '';
  if (value instanceof NullValue) return 'None';
  if (value instanceof BooleanValue) return value.value ? 'True' : 'False';
  if (value instanceof RelationValue || value instanceof PrintableValue) return value.toString();
  if (value instanceof TupleValue) {
    const items = (value.value as JinjaValue[]).map(pyReprValue);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (value instanceof ArrayValue) return `[${(value.value as JinjaValue[]).map(pyReprValue).join(', ')}]`;
  if (value instanceof ObjectValue || value instanceof NamespaceValue) {
    return `{${[...(value.value as Map<string, JinjaValue>)].map(([k, v]) => `${pyRepr(k)}: ${pyReprValue(v)}`).join(', ')}}`;
  }
  if (value instanceof FunctionValue) return '<function>';
  return value.toString();
}

/** Python truthiness. */
export function truthy(value: JinjaValue | undefined): boolean {
  return value !== undefined && value.__bool__().value;
}
