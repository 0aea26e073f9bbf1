/** The errors of export and sql that the user caused: the CLI prints their one-line message and exits 2. */

/** A folder the export must not write to, or that `sql` cannot read. */
export class ExportFolderError extends Error {}

/** A query DuckDB refused (syntax, unknown column, ...). */
export class SqlError extends Error {}
