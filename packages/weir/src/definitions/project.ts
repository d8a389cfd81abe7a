/** The project: what `weir.yaml` declares, after defaults. Loading the file is `loaders/`' job. */
import { z } from 'zod';

export const settingSchema = z.union([
  z.string(), z.number(), z.boolean(),
  z.strictObject({
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** Environment variable that overrides the default. */
    env: z.string().optional(),
    /** Never shown in logs, the UI or the API. */
    secret: z.boolean().optional(),
    description: z.string().optional(),
  }),
]);

export const projectFileSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
  description: z.string().optional(),
  /** DuckDB file, relative to the project folder. */
  warehouse: z.string().default('.weir/warehouse.duckdb'),
  /** Metadata store: a SQLite file path (the embedded default). */
  metadata: z.string().default('.weir/metadata.sqlite'),
  /** TypeScript/JavaScript files with definitions (exports of asset(), externalFile()). Globs allowed. */
  definitions: z.union([z.string(), z.array(z.string())]).default(['definitions/**/*.ts']),
  /** How many steps run at once. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** How many runs execute at once in the serving process; the others wait QUEUED, first come first served. */
  max_concurrent_runs: z.number().int().min(1).max(1000).optional(),
  /** The server's address as people reach it, for links in alerts (default http://localhost:<port>). */
  public_url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL, e.g. https://weir.example.org' }).optional(),
  settings: z.record(z.string(), settingSchema).default({}),
  /** A dbt project whose seeds, models and tests join this project's graph. */
  dbt: z.strictObject({
    /** Folder holding dbt_project.yml, relative to this project. */
    project_dir: z.string().min(1),
    /** profiles.yml target (default: the profile's `target:`). */
    target: z.string().optional(),
    /** Folder holding profiles.yml (default: the dbt project folder, then ~/.dbt). */
    profiles_dir: z.string().optional(),
    /** Like `dbt --vars`. */
    vars: z.record(z.string(), z.unknown()).optional(),
    /** 'staged' (default): tests run before publishing; 'publish_then_test': dbt's order. */
    audit: z.enum(['staged', 'publish_then_test']).optional(),
  }).optional(),
});

export type ProjectFile = z.infer<typeof projectFileSchema>;

export interface ProjectConfig {
  name: string;
  description?: string;
  /** Absolute path of the project folder. */
  root: string;
  /** Absolute path of weir.yaml. */
  configFile: string;
  warehousePath: string;
  metadataPath: string;
  definitionGlobs: string[];
  concurrency: number;
  /** `max_concurrent_runs`: runs beyond it wait QUEUED; undefined: no limit. */
  maxConcurrentRuns?: number;
  /** `public_url`, without a trailing slash. */
  publicUrl?: string;
  /** Resolved values, after environment overrides. */
  settings: Record<string, string | number | boolean>;
  /** Names of settings that are secret. */
  secretSettings: string[];
  /** Where each setting's value came from, for `weir validate` and the UI. */
  settingSources: Record<string, 'default' | 'env' | 'unset'>;
  /** Problems that do not stop loading (a secret too short to mask), one message each, printed when the project loads. */
  warnings?: string[];
  /** The dbt project this project includes (or is: a folder with dbt_project.yml and no weir.yaml). */
  dbt?: DbtProjectConfig;
}

export interface DbtProjectConfig {
  /** Absolute path of the folder holding dbt_project.yml. */
  projectDir: string;
  target?: string;
  profilesDir?: string;
  vars: Record<string, unknown>;
  audit?: 'staged' | 'publish_then_test';
  /** True when weir.yaml set `warehouse:` itself (then the dbt target must write to that same file). */
  warehouseSet: boolean;
}

/**
 * The values of the secret settings, as text: what output must never show. A number counts too (a PIN from an
 * environment variable whose default is a number is read as one).
 *
 * @example
 * secretValues({ settings: { api_key: 'k-123456789', pin: 12345678, dir: 'in' }, secretSettings: ['api_key', 'pin'] })
 * // ['k-123456789', '12345678']
 */
export function secretValues(project: Pick<ProjectConfig, 'settings' | 'secretSettings'>): string[] {
  return project.secretSettings.map((name) => project.settings[name]).filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
}
