// A table file's bytes (Node only), as every reader of tables takes them (train, eval,
// predict, report, loadCsv): a CSV, TSV or text file as it is, or gzipped (name.csv.gz),
// decompressed up to the size simdnet reads of a file as it is.
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { MAX_READ_BYTES, formatBytes, readWholeFile } from '../read-file.js';

const RAW_ENDINGS = ['.csv', '.tsv', '.txt'];

/** The endings of a table file's name: the file as it is, or gzipped. */
const TABLE_ENDINGS = RAW_ENDINGS.flatMap((ending) => [ending, `${ending}.gz`]);

/** TABLE_ENDINGS in words, for messages. */
export const TABLE_ENDINGS_IN_WORDS = `${RAW_ENDINGS.slice(0, -1).join(', ')} or ${RAW_ENDINGS.at(-1)}, gzipped or not (${RAW_ENDINGS[0]}.gz)`;

/** Whether `file` names a table by its ending (TABLE_ENDINGS, in any case). */
export const isTableName = (file: string) => TABLE_ENDINGS.some((ending) => file.toLowerCase().endsWith(ending));

const gunzipBytes = promisify(gunzip);

/** The bytes of table file `file`, decompressed where its name ends in .gz; errors name the file. */
export async function readTableBytes(file: string): Promise<Uint8Array> {
  const bytes = await readWholeFile(file, { kind: 'CSV file', maxBytes: MAX_READ_BYTES });
  if (!file.toLowerCase().endsWith('.gz')) return bytes;
  try {
    return await gunzipBytes(bytes, { maxOutputLength: MAX_READ_BYTES });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? `it decompresses to more than ${formatBytes(MAX_READ_BYTES)}, the most simdnet reads of a table` : `it cannot be decompressed as gzip (${(e as Error).message})`;
    throw new Error(`${file}: ${why}`);
  }
}
