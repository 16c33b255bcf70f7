import type { MikroORM } from "@mikro-orm/core";
import type { Database } from "../entities/index.js";

export type TableName = keyof Database & string;

/** How a column's values differ between JavaScript and the drivers. */
export type ColumnKind = "datetime" | "json" | "boolean" | "bigint" | "plain";

export interface TableColumn {
  name: string;
  kind: ColumnKind;
  /** The column's SQL type on this database (e.g. `timestamptz(3)`, `jsonb`). */
  sqlType: string;
}

/**
 * Every table's columns, in definition order, read from the ORM's metadata of the entity
 * definitions: the one description of each table that statements, row decoding and record
 * sets are derived from.
 */
export type TableColumns = ReadonlyMap<TableName, readonly TableColumn[]>;

export function tableColumns(orm: MikroORM): TableColumns {
  const tables = new Map<TableName, TableColumn[]>();
  for (const meta of orm.getMetadata().getAll().values()) {
    if (meta.tableName === undefined || meta.embeddable || meta.virtual) continue;
    const columns: TableColumn[] = [];
    for (const prop of meta.props) {
      const name = prop.fieldNames?.[0];
      if (name === undefined || prop.persist === false) continue;
      columns.push({ name, kind: kindOf(prop), sqlType: prop.columnTypes?.[0] ?? "text" });
    }
    tables.set(meta.tableName as TableName, columns);
  }
  return tables;
}

function kindOf(prop: { type: unknown; runtimeType?: string; kind?: string }): ColumnKind {
  if (prop.kind !== "scalar") return "plain";
  const type = String(typeof prop.type === "function" ? prop.type.name : prop.type);
  if (prop.runtimeType === "Date") return "datetime";
  if (type === "JsonType" || type === "json") return "json";
  if (prop.runtimeType === "boolean") return "boolean";
  if (type === "BigIntType" || type === "bigint") return "bigint";
  return "plain";
}
