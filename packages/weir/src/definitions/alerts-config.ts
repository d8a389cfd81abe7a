/** The `alerts:` section of weir.yaml: channels (where messages go) and rules (which events go where). */
import { z } from 'zod';

/** A channel value written in place, or `{ setting: NAME }`: taken from a (secret) setting when the project loads. */
export const settingRefSchema = z.strictObject({ setting: z.string().min(1) });
const value = z.union([z.string().min(1), settingRefSchema]);
const port = z.union([z.number().int().min(1).max(65535), settingRefSchema]);

/** Stored and written in weir.yaml: never renamed. */
export const ALERT_CHANNEL_TYPES = ['teams', 'slack', 'ntfy', 'webhook', 'email'] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPES)[number];

/** Event kinds a rule can name in `on:`. Written in weir.yaml and stored on deliveries: never renamed. */
export const ALERT_EVENT_KINDS = [
  'run_failed', 'run_recovered', 'check_failed', 'freshness_violated', 'schedule_errored', 'sensor_errored',
  'run_too_long', 'backfill_finished',
] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

export const alertChannelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('teams'), url: value }),
  z.strictObject({ type: z.literal('slack'), url: value }),
  z.strictObject({
    type: z.literal('ntfy'), url: value, topic: value, token: value.optional(),
    /** 1 (min) to 5 (max); default 4 for a problem, 3 for a resolution. */
    priority: z.number().int().min(1).max(5).optional(),
    tags: z.array(z.string()).optional(),
  }),
  z.strictObject({ type: z.literal('webhook'), url: value, secret: value.optional() }),
  z.strictObject({
    type: z.literal('email'), host: value, port: port.optional(),
    /** `starttls` (default, port 587), `tls` (implicit TLS, port 465) or `none` (a local relay only). */
    secure: z.enum(['starttls', 'tls', 'none']).optional(),
    user: value.optional(), password: value.optional(), from: value, to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  }),
]);

export const alertRuleSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
  on: z.array(z.enum(ALERT_EVENT_KINDS)).min(1),
  channels: z.array(z.string().min(1)).min(1),
  select: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  group: z.string().optional(),
  owner: z.string().optional(),
  severity: z.enum(['error', 'warn']).optional(),
  run_longer_than: z.union([z.string(), z.number()]).optional(),
  repeat: z.union([z.string(), z.number()]).optional(),
});

export const alertsFileSchema = z.strictObject({
  channels: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'), alertChannelSchema).default({}),
  rules: z.array(alertRuleSchema).default([]),
});
export type AlertsFile = z.infer<typeof alertsFileSchema>;
export type AlertChannelFile = z.infer<typeof alertChannelSchema>;

/** A channel after its `{ setting }` values are resolved. */
export type AlertChannelConfig =
  | { type: 'teams'; url: string }
  | { type: 'slack'; url: string }
  | { type: 'ntfy'; url: string; topic: string; token?: string; priority?: number; tags?: string[] }
  | { type: 'webhook'; url: string; secret?: string }
  | { type: 'email'; host: string; port?: number; secure?: 'starttls' | 'tls' | 'none'; user?: string; password?: string; from: string; to: string[] };

/** A declared channel: enabled with its resolved values, or disabled because a setting it names has no value. */
export interface AlertChannelDeclaration {
  name: string;
  type: AlertChannelType;
  enabled: boolean;
  /** Why it is disabled: `setting 'teams_url' has no value`. */
  disabledReason?: string;
  /** Present when enabled. */
  config?: AlertChannelConfig;
  /** Values to mask wherever the channel's requests, answers or errors are shown (URLs, tokens, passwords, secrets). */
  secrets: string[];
}

/** A rule with its durations in milliseconds. */
export interface AlertRule {
  name: string;
  on: AlertEventKind[];
  channels: string[];
  select?: string;
  tags?: Record<string, string>;
  group?: string;
  owner?: string;
  severity?: 'error' | 'warn';
  runLongerThanMs?: number;
  repeatMs?: number;
}

/** The project's alerting, as loaded. */
export interface AlertsConfig {
  channels: AlertChannelDeclaration[];
  rules: AlertRule[];
}
