/**
 * weir.yaml problems as a person reads them: the key as written, what it must be, what was found, the allowed keys
 * or values and the closest one, instead of zod's "Invalid input".
 */
import type { z } from 'zod';
import { closestNames } from '../../shared/suggest.js';
import { projectFileSchema, settingSchema } from '../../definitions/project.js';
import { ALERT_CHANNEL_TYPES, ALERT_EVENT_KINDS, alertChannelSchema, alertRuleSchema } from '../../definitions/alerts-config.js';

type Issue = z.core.$ZodIssue;

export interface ProjectFileProblem {
  summary: string;
  hint: string;
  /** Where to point: the path of the key in the document (its line is the key's). */
  path: Array<string | number>;
  /** A required key that is missing, or the allowed key an unknown one is closest to: `${parent}.${key}`. */
  missing?: string;
  suggested?: string;
}

/**
 * Every problem of a failed parse, in the order zod found them; a missing key that an unknown key is a typo of is
 * left out (`projectdir:` gives "unknown key 'projectdir' … Did you mean 'project_dir'?", not also "needs project_dir").
 *
 * @example
 * describeProjectFileIssues(projectFileSchema.safeParse(input).error!.issues, input).map((p) => p.summary)
 * // ["unknown key 'projectdir' in dbt"]
 */
export function describeProjectFileIssues(issues: readonly Issue[], input: unknown): ProjectFileProblem[] {
  const problems = issues.flatMap((issue) => describeProjectFileIssue(issue, input));
  const suggested = new Set(problems.map((p) => p.suggested).filter(Boolean));
  return problems.filter((p) => !p.missing || !suggested.has(p.missing));
}

// Read from the schemas so a new key is suggested as soon as it exists.
const TOP_KEYS = Object.keys(projectFileSchema.shape);
const DBT_KEYS = Object.keys(projectFileSchema.shape.dbt.unwrap().shape);
const SETTING_KEYS = Object.keys((settingSchema.options[3] as z.ZodObject).shape);

const ALERT_KEYS = ['channels', 'rules'];
const ALERT_RULE_KEYS = Object.keys(alertRuleSchema.shape);
/** The keys of each channel type, read from its branch of the schema. */
const ALERT_CHANNEL_KEYS = Object.fromEntries(alertChannelSchema.options.map((o) => [o.shape.type.value, Object.keys(o.shape)])) as Record<string, string[]>;

const SETTING_SHAPE = `a value (text, a number, true or false) or { ${SETTING_KEYS.join(', ')} }`;

/** What each key must be, by its path with `*` for a setting name. */
const EXPECTED: Record<string, string> = {
  '': `a mapping of keys (${TOP_KEYS.join(', ')})`,
  name: 'the project name (letters, digits, _ and -)',
  description: 'text',
  warehouse: 'a file path (the DuckDB file, relative to the project)',
  metadata: 'a file path (the SQLite file for runs and events, relative to the project)',
  definitions: 'a glob or a list of globs (e.g. definitions/**/*.ts)',
  concurrency: 'a whole number from 1 to 64',
  settings: 'a mapping of setting names to settings',
  'settings.*': SETTING_SHAPE,
  'settings.*.default': 'text, a number, true or false',
  'settings.*.env': 'the name of an environment variable',
  'settings.*.secret': 'true or false',
  'settings.*.description': 'text',
  dbt: `a mapping (${DBT_KEYS.join(', ')})`,
  'dbt.project_dir': 'the folder holding dbt_project.yml, relative to this project',
  'dbt.target': 'a profiles.yml target name',
  'dbt.profiles_dir': 'the folder holding profiles.yml',
  'dbt.vars': 'a mapping of var names to values',
  'dbt.audit': 'staged or publish_then_test',
  alerts: 'a mapping with channels and rules',
  'alerts.channels': 'a mapping of channel names to channels ({ type: teams|slack|ntfy|webhook|email, … })',
  'alerts.channels.*': `a channel: { type: ${ALERT_CHANNEL_TYPES.join('|')}, … }`,
  'alerts.channels.*.type': ALERT_CHANNEL_TYPES.join(', '),
  'alerts.channels.*.url': 'an http(s) URL, or { setting: NAME } (a secret setting holding it)',
  'alerts.channels.*.token': 'text, or { setting: NAME }',
  'alerts.channels.*.secret': 'text (whsec_… base64), or { setting: NAME }',
  'alerts.channels.*.password': 'text, or { setting: NAME }',
  'alerts.channels.*.to': 'an e-mail address or a list of them',
  'alerts.rules': 'a list of rules ({ name, on, channels, … })',
  'alerts.rules.*': 'a rule: { name, on: [kinds], channels: [names], select?, tags?, group?, owner?, severity?, run_longer_than?, repeat? }',
  'alerts.rules.*.on': `a list of event kinds (${ALERT_EVENT_KINDS.join(', ')})`,
  'alerts.rules.*.on.*': ALERT_EVENT_KINDS.join(', '),
  'alerts.rules.*.channels': 'a list of channel names declared under alerts.channels',
  'alerts.rules.*.severity': 'error or warn',
  'alerts.rules.*.run_longer_than': 'a duration such as 30m',
  'alerts.rules.*.repeat': 'a duration such as 4h',
  schedules: 'a list of schedules, each { name, select, cron, timezone?, catchup?, tags? }',
  'schedules.*': 'a schedule: { name, select, cron, timezone?, catchup?, tags? }',
};

const pattern = (path: ReadonlyArray<PropertyKey>) => path.map((p, i) => (
  (i === 1 && (path[0] === 'settings' || path[0] === 'schedules')) || (i === 2 && path[0] === 'alerts') || (i === 3 && path[1] === 'rules' && path[2] !== undefined && typeof p === 'number') ? '*' : String(p)
)).join('.');
const shown = (path: ReadonlyArray<PropertyKey>) => path.map(String).join('.');

/**
 * A value as the message shows what was found.
 *
 * @example
 * describeFound('four')  // 'the text "four"'
 * describeFound([1, 2])  // 'a list'
 * describeFound(null)    // 'an empty value'
 */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `the text "${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

/** The allowed keys of the mapping at `path`, and how to name it in a message. */
function keysAt(path: ReadonlyArray<PropertyKey>, input: unknown): { keys: string[]; where: string } | undefined {
  if (path.length === 0) return { keys: TOP_KEYS, where: '' };
  if (path.length === 1 && path[0] === 'dbt') return { keys: DBT_KEYS, where: ' in dbt' };
  if (path.length === 2 && path[0] === 'settings') return { keys: SETTING_KEYS, where: ` in setting '${String(path[1])}'` };
  if (path.length === 1 && path[0] === 'alerts') return { keys: ALERT_KEYS, where: ' in alerts' };
  if (path.length === 3 && path[0] === 'alerts' && path[1] === 'rules') return { keys: ALERT_RULE_KEYS, where: ` in alert rule ${Number(path[2]) + 1}` };
  if (path.length === 3 && path[0] === 'alerts' && path[1] === 'channels') {
    const type = (valueAt(input, ['alerts', 'channels', String(path[2])]) as { type?: unknown } | undefined)?.type;
    const keys = ALERT_CHANNEL_KEYS[String(type)];
    return keys ? { keys, where: ` in alert channel '${String(path[2])}' (type ${String(type)})` } : undefined;
  }
  return undefined;
}

/**
 * Turns one zod issue on weir.yaml into problems with a readable summary and hint (one per unknown key).
 *
 * @example
 * describeProjectFileIssue({ code: 'unrecognized_keys', keys: ['warehose'], path: [], message: '' }, {})
 * // [{ summary: "unknown key 'warehose'", hint: "Did you mean 'warehouse'? Allowed keys: name, description, …", path: ['warehose'] }]
 */
export function describeProjectFileIssue(issue: Issue, input: unknown): ProjectFileProblem[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const found = valueAt(input, path);
  const key = shown(path);
  const expected = EXPECTED[pattern(path)];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(path, input);
      return issue.keys.map((name) => {
        const close = allowed ? closestNames(name, allowed.keys, 1) : [];
        const list = allowed ? `Allowed keys${allowed.where}: ${allowed.keys.join(', ')}.` : '';
        const shape = path[0] === 'settings' ? ` A setting is ${SETTING_SHAPE}.` : '';
        return {
          summary: `unknown key '${name}'${allowed?.where ?? (path.length ? ` in ${key}` : '')}`, hint: `${close.length ? `Did you mean '${close[0]}'? ` : ''}${list}${shape}`, path: [...path, name],
          ...(close[0] ? { suggested: shown([...path, close[0]]) } : {}),
        };
      });
    }
    case 'invalid_type':
      if (found === undefined) {
        const parent = path.slice(0, -1);
        return [{
          summary: parent.length ? `'${shown(parent)}' needs '${String(path[path.length - 1])}'` : `'${key}' is required`,
          hint: expected ? `Add ${key}: ${expected}.` : `Add ${key}.`, path: parent, missing: key,
        }];
      }
      return [{ summary: `'${key || 'weir.yaml'}' must be ${expected ?? describeType(issue.expected)}, found ${describeFound(found)}`, hint: hintFor(path), path }];
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const close = typeof found === 'string' ? closestNames(found, allowed, 1) : [];
      return [{ summary: `'${key}' is ${describeFound(found).replace(/^the text /, '')}; allowed values: ${allowed.join(', ')}`, hint: close.length ? `Did you mean '${close[0]}'?` : `Use one of: ${allowed.join(', ')}.`, path }];
    }
    case 'invalid_union': {
      // A required key whose value may take several shapes (`url: text | { setting }`), missing.
      if (found === undefined && path.length > 1) {
        const parent = path.slice(0, -1);
        return [{ summary: `'${shown(parent)}' needs '${String(path[path.length - 1])}'`, hint: expected ? `Add ${key}: ${expected}.` : `Add ${key}.`, path: parent, missing: key }];
      }
      // An object given where a union accepts one: the object branch's own problem (an unknown key, a bad default).
      if (found && typeof found === 'object' && !Array.isArray(found)) {
        const branch = issue.errors.find((issues) => !issues.some((i) => i.code === 'invalid_type' && i.path.length === 0));
        if (branch?.[0]) return describeProjectFileIssue({ ...branch[0], path: [...issue.path, ...branch[0].path] } as Issue, input);
      }
      return [{ summary: `'${key}' must be ${expected ?? 'another kind of value'}, found ${describeFound(found)}`, hint: hintFor(path), path }];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      return [{ summary: `'${key}' must be ${expected ?? bound}, found ${describeFound(found)}`, hint: `Use a value ${bound}.`, path }];
    }
    case 'invalid_format':
      return [{ summary: `'${key}' is ${describeFound(found).replace(/^the text /, '')}: ${issue.message}`, hint: expected ? `It must be ${expected}.` : '', path }];
    default:
      return [{ summary: `'${key || 'weir.yaml'}' is invalid: ${issue.message}${expected ? ` (it must be ${expected}, found ${describeFound(found)})` : ''}`, hint: hintFor(path), path }];
  }
}

function describeType(expected: string): string {
  switch (expected) {
    case 'string': return 'text';
    case 'number': case 'int': return 'a number';
    case 'boolean': return 'true or false';
    case 'object': return 'a mapping';
    case 'array': return 'a list';
    default: return `a ${expected}`;
  }
}

function hintFor(path: ReadonlyArray<PropertyKey>): string {
  if (path[0] === 'settings' && path.length >= 2) return `Write it as \`${String(path[1])}: some value\`, or as \`${String(path[1])}: { default: some value, env: SOME_VARIABLE }\`.`;
  if (path[0] === 'definitions') return 'Write `definitions: definitions/**/*.ts`, or a list of such globs.';
  return 'See the README\'s "weir.yaml" section for every key.';
}

function valueAt(input: unknown, path: ReadonlyArray<string | number>): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}
