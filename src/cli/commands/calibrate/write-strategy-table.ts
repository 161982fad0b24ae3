import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseStrategyTable } from '../../../select';

/**
 * Write the table's YAML to `outPath`, through a temporary file and a rename so that a reader
 * never sees half a table.
 *
 * @throws ConfigError when the YAML does not parse back as a strategy table; nothing is written then.
 */
export async function writeStrategyTable(yaml: string, outPath: string): Promise<void> {
  // Check what we write parses back before replacing anything.
  parseStrategyTable(yaml, outPath);
  await mkdir(path.dirname(path.resolve(outPath)), { recursive: true });
  const temporary = `${outPath}.tmp-${process.pid}`;
  await writeFile(temporary, yaml);
  await rename(temporary, outPath);
}
