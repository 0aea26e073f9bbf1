/**
 * The export schema as README markdown, generated from TABLES so the documentation cannot drift
 * (test/export/schema-doc.test.ts compares it with the README; `node scripts/export-schema.mjs`
 * prints it).
 */
import { isEnum, type EnumType, type SqlType } from './columns.js';
import { EXPORT_SCHEMA, TABLES } from './tables.js';

export function exportSchemaMarkdown(): string {
  const parts = [`Schema \`${EXPORT_SCHEMA}\`. Every table starts with \`capture_id\` INTEGER and \`capture_path\` VARCHAR.`, ''];
  for (const t of TABLES) {
    parts.push(`- **\`${t.name}\`**: ${t.row}.`);
    const cols = t.columns.map((c) => `\`${c.name}\` ${isEnum(c.type) ? `ENUM(${c.type.enum.join(' ')})` : c.type}`);
    parts.push(`  ${cols.join(', ')}`);
  }
  return `${parts.join('\n')}\n`;
}

/** ClickHouse types of the export columns (Parquet optional columns are Nullable, lists and maps aside). */
function clickhouseType(type: SqlType | EnumType): string {
  if (isEnum(type)) return 'LowCardinality(Nullable(String))';
  const array = /^(.*)\[\]$/.exec(type);
  if (array) return `Array(${clickhouseScalar(array[1] as SqlType)})`;
  const map = /^MAP\((\w+), (\w+)\)$/.exec(type);
  if (map) return `Map(${clickhouseScalar(map[1] as SqlType)}, ${clickhouseScalar(map[2] as SqlType)})`;
  return `Nullable(${clickhouseScalar(type)})`;
}

function clickhouseScalar(type: SqlType): string {
  const names: Partial<Record<SqlType, string>> = {
    BOOLEAN: 'Bool', USMALLINT: 'UInt16', INTEGER: 'Int32', UINTEGER: 'UInt32', BIGINT: 'Int64', DOUBLE: 'Float64',
    VARCHAR: 'String', TIMESTAMPTZ: "DateTime64(6, 'UTC')",
  };
  return names[type] ?? 'String';
}

/** CREATE TABLE for ClickHouse, one export table, loaded from its Parquet files with file() or s3(). */
export function clickhouseDdl(name: string): string {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`no export table ${name}`);
  const columns = [
    '    capture_id Int32',
    '    capture_path String',
    ...table.columns.map((c) => `    ${c.name} ${clickhouseType(c.type)}`),
  ];
  return `CREATE TABLE statecap_${name}\n(\n${columns.join(',\n')}\n)\nENGINE = MergeTree\nORDER BY (capture_path, capture_id);\n`;
}
