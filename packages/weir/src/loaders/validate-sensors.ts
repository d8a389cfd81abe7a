/** Load-time checks of sensors and webhook triggers: names, selections, watched assets and webhook secrets. */
import { relative } from 'node:path';
import { WeirError, WeirErrors, formatLocation, isWeirError, type SourceLocation } from '../shared/errors.js';
import { didYouMean } from '../shared/suggest.js';
import type { Definitions } from '../definitions/definitions.js';
import type { SensorDefinition, WebhookDefinition } from '../definitions/sensor.js';
import { selectAssets } from '../graph/selection.js';
import type { AssetGraph } from '../graph/asset-graph.js';

/**
 * Every problem of the project's sensors and webhooks, each naming the declaration: a duplicate name, a selection
 * that is unknown or matches nothing, an asset sensor watching no asset, a webhook secret that is not a declared
 * secret setting. Empty when all is well.
 *
 * @example
 * sensorProblems(definitions, graph)
 * // [WeirError("weir.yaml:12: sensor 'erp_changed': select 'ordrs+' — selector 'ordrs' matches no asset. Did you mean 'orders'? …")]
 */
export function sensorProblems(definitions: Definitions, graph: AssetGraph): WeirError[] {
  const problems: WeirError[] = [];
  const root = definitions.project.root;
  const where = (location: SourceLocation | undefined) => (location ? { ...location, file: relative(root, location.file) || location.file } : undefined);
  const triggers: Array<{ kind: string; definition: SensorDefinition | WebhookDefinition }> = [
    ...(definitions.sensors ?? []).map((definition) => ({ kind: 'sensor', definition })),
    ...(definitions.webhooks ?? []).map((definition) => ({ kind: 'webhook', definition })),
  ];
  const seen = new Map<string, SourceLocation | undefined>();
  for (const { kind, definition } of triggers) {
    const location = where(definition.location);
    const key = `${kind}:${definition.name}`;
    if (seen.has(key)) {
      problems.push(new WeirError(`${kind} '${definition.name}' is declared twice: ${formatLocation(seen.get(key)) || '?'} and ${formatLocation(location) || '?'}`, {
        code: kind === 'sensor' ? 'DUPLICATE_SENSOR' : 'DUPLICATE_WEBHOOK', location, hint: `Give each ${kind} its own name.`,
      }));
      continue;
    }
    seen.set(key, location);
    const selectProblem = selectionProblem(graph, definition.select, root);
    if (selectProblem) {
      problems.push(new WeirError(`${kind} '${definition.name}': select '${definition.select}' ${selectProblem}`, {
        code: 'SENSOR_SELECTION', location, hint: 'Fix the selection (the syntax of `weir run -s`), or leave select out to run every asset.',
      }));
    }
    if (kind === 'sensor' && (definition as SensorDefinition).type === 'asset') {
      const asset = (definition as SensorDefinition & { asset: string }).asset;
      if (!graph.get(asset)) {
        problems.push(new WeirError(`sensor '${definition.name}' watches asset '${asset}', which does not exist. ${didYouMean(asset, graph.keys())}`, {
          code: 'SENSOR_UNKNOWN_ASSET', location, hint: 'Name an asset of this project (`weir assets` lists them).',
        }));
      }
    }
    if (kind === 'webhook') {
      const secret = (definition as WebhookDefinition).secret;
      if (!definitions.project.secretSettings.includes(secret)) {
        const declared = secret in definitions.project.settingSources;
        problems.push(new WeirError(`webhook '${definition.name}': secret '${secret}' is ${declared ? 'a setting that is not secret' : 'not a declared setting'}`, {
          code: 'WEBHOOK_SECRET', location,
          hint: `Declare it in weir.yaml as a secret setting: settings: { ${secret}: { env: ${secret.toUpperCase()}, secret: true } }, so it never shows in logs or the UI.`,
        }));
      }
    }
  }
  return problems;
}

/** Why a selection is not usable (unknown selector, or it matches nothing), or undefined. */
function selectionProblem(graph: AssetGraph, select: string | undefined, root: string): string | undefined {
  if (select === undefined) return graph.keys().length ? undefined : 'matches nothing: the project has no assets';
  try {
    return selectAssets(graph, { select, root }).size ? undefined : 'matches no asset';
  } catch (error) {
    if (isWeirError(error) || error instanceof WeirErrors) return `is not valid: ${error.message}`;
    throw error;
  }
}

/** Throws the problems of sensorProblems() together (one WeirError, or WeirErrors). */
export function assertSensorsValid(definitions: Definitions, graph: AssetGraph): void {
  const problems = sensorProblems(definitions, graph);
  if (problems.length) throw problems.length === 1 ? problems[0]! : new WeirErrors(problems);
}
