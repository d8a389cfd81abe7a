/** The `alerts:` section of weir.yaml resolved: `{ setting }` values read, durations parsed, disabled channels said. */
import {
  type AlertChannelConfig, type AlertChannelDeclaration, type AlertChannelFile, type AlertRule, type AlertsConfig, type AlertsFile,
} from '../../definitions/alerts-config.js';
import { parseDuration } from '../../shared/duration.js';
import { WeirError } from '../../shared/errors.js';
import { closestNames } from '../../shared/suggest.js';

export interface AlertsContext {
  settings: Record<string, string | number | boolean>;
  settingSources: Record<string, 'default' | 'env' | 'unset'>;
  secretSettings: readonly string[];
  /** Declared setting names with their `env:`, for hints. */
  settingEnv: Record<string, string | undefined>;
  /** `weir.yaml` (for messages) and the line of a path in it. */
  file: string;
  lineOf: (path: Array<string | number>) => number | undefined;
}

/** Which values of each channel type are credentials: masked wherever the channel's answers or errors are shown. */
const CREDENTIAL_KEYS: Record<AlertChannelFile['type'], string[]> = {
  teams: ['url'], slack: ['url'], webhook: ['url', 'secret'], ntfy: ['token'], email: ['password'],
};

/**
 * @example
 * resolveAlerts({ channels: { team_teams: { type: 'teams', url: { setting: 'teams_url' } } }, rules: [] }, context)
 * // { config: { channels: [{ name: 'team_teams', type: 'teams', enabled: false, disabledReason: "setting 'teams_url' has no value (set TEAMS_URL)", secrets: [] }], rules: [] },
 * //   warnings: ["weir.yaml:12: alert channel 'team_teams' is disabled: setting 'teams_url' has no value (set TEAMS_URL)"], errors: [] }
 */
export function resolveAlerts(file: AlertsFile, context: AlertsContext): { config: AlertsConfig; warnings: string[]; errors: WeirError[] } {
  const warnings: string[] = [];
  const errors: WeirError[] = [];
  const at = (path: Array<string | number>) => `${context.file}:${context.lineOf(['alerts', ...path]) ?? 1}`;
  const channels = Object.entries(file.channels).map(([name, channel]) => resolveChannel(name, channel, context, at, warnings, errors));
  const names = channels.map((c) => c.name);
  const rules = file.rules.map((rule, index): AlertRule => {
    for (const channel of rule.channels) {
      if (!names.includes(channel)) {
        const close = closestNames(channel, names, 1);
        warnings.push(`${at(['rules', index, 'channels'])}: alert rule '${rule.name}' names channel '${channel}', which is not declared under alerts.channels${close.length ? `. Did you mean '${close[0]}'?` : names.length ? ` (declared: ${names.join(', ')})` : ''}`);
      }
    }
    if (rule.on.includes('run_too_long') && rule.run_longer_than === undefined) {
      errors.push(new WeirError(`alert rule '${rule.name}' is on run_too_long without run_longer_than`, {
        code: 'INVALID_ALERT_RULE', location: { file: context.file, line: context.lineOf(['alerts', 'rules', index]) ?? 1 }, hint: 'Add e.g. `run_longer_than: 30m`.',
      }));
    }
    return {
      name: rule.name, on: rule.on, channels: rule.channels,
      ...(rule.select !== undefined ? { select: rule.select } : {}),
      ...(rule.tags ? { tags: rule.tags } : {}),
      ...(rule.group !== undefined ? { group: rule.group } : {}),
      ...(rule.owner !== undefined ? { owner: rule.owner } : {}),
      ...(rule.severity ? { severity: rule.severity } : {}),
      ...duration('runLongerThanMs', rule.run_longer_than, ['rules', index, 'run_longer_than'], rule.name),
      ...duration('repeatMs', rule.repeat, ['rules', index, 'repeat'], rule.name),
    };
  });
  const seen = new Set<string>();
  file.rules.forEach((rule, index) => {
    if (seen.has(rule.name)) {
      errors.push(new WeirError(`two alert rules are named '${rule.name}'`, { code: 'DUPLICATE_ALERT_RULE', location: { file: context.file, line: context.lineOf(['alerts', 'rules', index]) ?? 1 }, hint: 'Give each rule its own name: deliveries record it.' }));
    }
    seen.add(rule.name);
  });
  return { config: { channels, rules }, warnings, errors };

  function duration(key: string, value: string | number | undefined, path: Array<string | number>, rule: string): Record<string, number> {
    if (value === undefined) return {};
    try {
      const ms = parseDuration(value);
      if (ms <= 0) throw new Error('it must be longer than 0');
      return { [key]: ms };
    } catch (error) {
      errors.push(new WeirError(`alert rule '${rule}': ${path.at(-1)} ${(error as Error).message}`, {
        code: 'INVALID_ALERT_RULE', location: { file: context.file, line: context.lineOf(['alerts', ...path]) ?? 1 }, hint: 'Write a duration such as 30m, 4h or 1d.',
      }));
      return {};
    }
  }
}

function resolveChannel(
  name: string, channel: AlertChannelFile, context: AlertsContext, at: (path: Array<string | number>) => string, warnings: string[], errors: WeirError[],
): AlertChannelDeclaration {
  const resolved: Record<string, unknown> = {};
  const secrets: string[] = [];
  let disabledReason: string | undefined;
  for (const [key, written] of Object.entries(channel)) {
    const isCredential = CREDENTIAL_KEYS[channel.type].includes(key);
    if (written && typeof written === 'object' && !Array.isArray(written) && 'setting' in written) {
      const setting = (written as { setting: string }).setting;
      if (!(setting in context.settingSources)) {
        const close = closestNames(setting, Object.keys(context.settingSources), 1);
        errors.push(new WeirError(`alert channel '${name}': ${key} names setting '${setting}', which is not declared`, {
          code: 'UNKNOWN_SETTING', location: { file: context.file, line: context.lineOf(['alerts', 'channels', name, key]) ?? 1 },
          hint: close.length ? `Did you mean '${close[0]}'?` : `Declare it under settings:, e.g. \`${setting}: { env: ${setting.toUpperCase()}, secret: true }\`.`,
        }));
        continue;
      }
      const value = context.settings[setting];
      if (value === undefined || value === '') {
        const env = context.settingEnv[setting];
        disabledReason ??= `setting '${setting}' has no value${env ? ` (set ${env})` : ''}`;
        continue;
      }
      if (isCredential && !context.secretSettings.includes(setting)) {
        warnings.push(`${at(['channels', name, key])}: alert channel '${name}' takes its ${key} from setting '${setting}', which is not secret: add \`secret: true\` to it (the value is masked in alert errors anyway)`);
      }
      resolved[key] = key === 'port' ? Number(value) : String(value);
      if (isCredential) secrets.push(String(value));
      continue;
    }
    if (isCredential && typeof written === 'string') {
      warnings.push(`${at(['channels', name, key])}: alert channel '${name}' has its ${key} written in ${context.file.split(/[\\/]/).pop()}: anyone who reads the file can use it. Put it in a secret setting: \`${key}: { setting: ${name}_${key} }\` and \`settings: { ${name}_${key}: { env: ${`${name}_${key}`.toUpperCase()}, secret: true } }\``);
      secrets.push(written);
    }
    resolved[key] = written;
  }
  if (channel.type === 'email') resolved.to = [channel.to].flat();
  if (!disabledReason && 'url' in resolved) {
    const url = String(resolved.url);
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) disabledReason = `its url is not an http(s) URL`;
  }
  if (disabledReason) {
    warnings.push(`${at(['channels', name])}: alert channel '${name}' is disabled: ${disabledReason}; nothing is sent to it`);
    return { name, type: channel.type, enabled: false, disabledReason, secrets };
  }
  return { name, type: channel.type, enabled: true, config: resolved as unknown as AlertChannelConfig, secrets };
}
