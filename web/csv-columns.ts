// A first look at a CSV file, for the choices the page offers before it is read: each
// column's name and how many of its cells are numbers, text or missing. It only looks and
// is lenient — parseCsv (src/data/csv.ts) reads the file for training and names whatever is
// wrong with it (ragged rows, stray quotes), so this throws only for a file that is not UTF-8
// text at all, as parseCsv would, rather than list its bytes as columns.
import { checkTextEncoding, detectDelimiter, isMissing, isUnnamed, numberDressing, numberUnit, parseNumber } from '../src/data/csv.js';
import { MAX_VALUE_CHARS, isDateText } from '../src/data/categories.js';

export interface CsvColumn {
  name: string;
  numbers: number;
  /** Cells that are neither numbers nor missing: a column with any is a text column. */
  texts: number;
  /** Empty cells and missing markers (NA, nan, NULL…), as parseCsv counts them. */
  missing: number;
  /** How many different texts the text cells hold: as many as there are text cells in a column of names or ids. */
  distinctTexts: number;
  /** Text cells that are numbers written for reading (1,200, 5%, a decimal comma: numberDressing), which parseCsv refuses to encode. */
  formattedNumbers: number;
  /** Text cells that write a date (isDateText): a column of them parseCsv refuses to encode. */
  dates: number;
  /** Text cells that are a number with a unit (numberUnit), and how many units they have (counted to 2): a column of one unit is numbers. */
  withUnit: number;
  units: number;
  /** Text cells longer than MAX_VALUE_CHARS: a column with any is free text. */
  longTexts: number;
}

const QUOTE = 0x22, LF = 0x0a, CR = 0x0d, SPACE = 0x20, TAB = 0x09;

const utf8 = new TextDecoder();

/** The header's columns of the file `name` with their cell counts; [] for a file with no header. */
export function csvColumns(bytes: Uint8Array, name: string): CsvColumn[] {
  checkTextEncoding(bytes, name);
  const n = bytes.length;
  let p = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const delimiter = detectDelimiter(bytes, p).charCodeAt(0);
  const blank = (c: number) => c === SPACE || (c === TAB && delimiter !== TAB);
  const fieldEnd = (c: number) => c === delimiter || c === LF || c === CR;
  const columns: CsvColumn[] = [], texts: Set<string>[] = [], unitsOf: Set<string>[] = [];
  let row = 0, column = 0;
  while (p < n) {
    if (column === 0 && (bytes[p] === LF || bytes[p] === CR)) {
      p++; // a blank line
      continue;
    }
    while (p < n && blank(bytes[p])) p++;
    let start = p, end: number;
    if (bytes[p] === QUOTE) {
      start = ++p;
      while (p < n && !(bytes[p] === QUOTE && bytes[p + 1] !== QUOTE)) p += bytes[p] === QUOTE ? 2 : 1;
      end = p++;
      while (p < n && !fieldEnd(bytes[p])) p++;
    } else {
      while (p < n && !fieldEnd(bytes[p])) p++;
      end = p;
      while (end > start && blank(bytes[end - 1])) end--;
    }
    if (row === 0) {
      columns.push({ name: utf8.decode(bytes.subarray(start, end)).replaceAll('""', '"').trim(), numbers: 0, texts: 0, missing: 0, distinctTexts: 0, formattedNumbers: 0, dates: 0, withUnit: 0, units: 0, longTexts: 0 });
      texts.push(new Set());
      unitsOf.push(new Set());
    } else if (column < columns.length) {
      const c = columns[column];
      if (!Number.isNaN(parseNumber(bytes, start, end))) c.numbers++;
      else if (isMissing(bytes, start, end)) c.missing++;
      else {
        const text = utf8.decode(bytes.subarray(start, end));
        c.texts++;
        if (text.length > MAX_VALUE_CHARS) c.longTexts++;
        // Only a cell with a digit can be a number written for reading, a date or a number with a unit, as parseCsv asks.
        if (/\d/.test(text)) {
          if (numberDressing(text, delimiter)) c.formattedNumbers++;
          if (isDateText(text)) c.dates++;
          const unit = numberUnit(text);
          if (unit) {
            c.withUnit++;
            if (unitsOf[column].size < 2) unitsOf[column].add(unit);
          }
        }
        texts[column].add(text);
      }
    }
    if (bytes[p] === delimiter) {
      p++;
      column++;
    } else {
      if (bytes[p] === CR) p++;
      if (bytes[p] === LF) p++;
      row++;
      column = 0;
    }
  }
  columns.forEach((c, i) => {
    c.distinctTexts = texts[i].size;
    c.units = unitsOf[i].size;
  });
  // parseCsv leaves these out: they are no choice to offer.
  return columns.filter((c) => !isUnnamed(c.name));
}
