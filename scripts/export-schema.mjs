#!/usr/bin/env node
/**
 * Prints the export schema section of the README (between its export-schema markers), or with
 * `--clickhouse TABLE` the ClickHouse CREATE TABLE of one export table. Run after `npm run build`.
 */
import { clickhouseDdl, exportSchemaMarkdown } from '../dist/export/schema-doc.js';

const i = process.argv.indexOf('--clickhouse');
process.stdout.write(i > 0 ? clickhouseDdl(process.argv[i + 1]) : exportSchemaMarkdown());
