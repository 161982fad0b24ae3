/**
 * Write a strategy table as YAML (for `tts-proxy calibrate`): a header comment, then the table in
 * the file format, with a one-line comment above each row saying what it measured. The result
 * parses back with `parseStrategyTable` to the same table.
 */
import { Document, isMap, isNode, isSeq } from 'yaml';
import { strategyTableToDocument, type StrategyTable } from './strategy-table';

function rowComment(table: StrategyTable, index: number): string | null {
  const row = table.rows[index];
  if (!row?.measured) return null;
  const alternatives = Object.entries(row.measured.alternatives)
    .map(([method, accuracy]) => `${method} ${(accuracy * 100).toFixed(1)}%`)
    .join(', ');
  return ` ${row.method}: ${(row.measured.accuracy * 100).toFixed(1)}% on ${row.measured.problems} problem(s) (${alternatives || 'no alternatives'})`;
}

/** @param header lines for the opening comment, without the leading '#'. */
export function stringifyStrategyTable(
  table: StrategyTable,
  header: readonly string[] = [],
): string {
  const document = new Document(strategyTableToDocument(table));
  if (header.length > 0)
    document.commentBefore = header.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
  const root = document.contents;
  if (isMap(root)) {
    const rows = root.get('rows', true);
    if (isSeq(rows)) {
      rows.items.forEach((item, index) => {
        const comment = rowComment(table, index);
        if (comment !== null && isNode(item)) item.commentBefore = comment;
      });
    }
  }
  return document.toString({ lineWidth: 0 });
}
