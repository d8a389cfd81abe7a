/**
 * DuckDB's Node API, loaded with require(). It is a CommonJS package: imported as ESM, Node first runs its CommonJS
 * export lexer over every file it re-exports, ~60 ms at each start of a command that touches data.
 */
import { createRequire } from 'node:module';

export type DuckDbApi = typeof import('@duckdb/node-api');

let api: DuckDbApi | undefined;

export function duckDbApi(): DuckDbApi {
  return (api ??= createRequire(import.meta.url)('@duckdb/node-api') as DuckDbApi);
}
