/**
 * The API's types, inferred from the server's zod schemas (packages/weir/src/server/api-schemas.ts): never copied,
 * so a change on the server fails the UI's type check instead of a page at run time.
 */
export type {
  Alerts, ApiCheckEvaluation, ApiEventRecord, AssetPartitions, ApiMaterialization, ApiProject, ApiProjectChange, ApiProjectLoadError, ApiRun, AssetDetail, AssetList, AssetSummary,
  CheckHistory, CheckOverview, ColumnChanges, EventPage, MaterializationHistory, LaunchRequestBody, Lineage, Overview, ReexecuteRequestBody, RunDetail, RunListQuery,
  RunPage, Selection, Session, TableColumn, ApiBackfill, BackfillList, BackfillDetail, BackfillRequestBody,
  ApiSchedule, ApiScheduleTick, ScheduleList, SensorList, SensorStateResponse,
} from '../../../weir/src/server/api-schemas.ts';
import type { AssetSummary, CheckOverview, Lineage, RunDetail } from '../../../weir/src/server/api-schemas.ts';

export type RunStatus = RunDetail['run']['status'];
export type RunTrigger = RunDetail['run']['trigger'];
export type StepSummary = RunDetail['steps'][number];
export type AssetStatus = AssetSummary['status'];
export type CheckStatus = CheckOverview['checks'][number]['status'];
export type LineageNode = Lineage['nodes'][number];
