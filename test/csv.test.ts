// The CSV reader on real data sets shipped by @observablehq/sample-datasets (penguins for
// classification, diamonds for regression, cars for a real missing target), on the
// hand-made files of test/fixtures/csv for every error, on the syntax cases (quotes, CRLF,
// BOM, delimiters) and on mutated files. Numbers must equal Math.fround(Number.parseFloat(text)),
// and a big file must parse in a small JavaScript heap (no string kept per cell).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CsvColumnError, MAX_COLUMNS, isFormattedNumber, parseCsv, parseNumber, type CsvOptions, type CsvTable } from '../src/data/csv.js';
import { tableSplits } from '../src/data/table.js';
import { MAX_CATEGORIES, MAX_VALUE_CHARS, categoriesFault, featureColumns } from '../src/data/categories.js';
import { csvColumns } from '../web/csv-columns.js';
import { loadCsv } from '../src/node.js';
import { Rng } from '../src/rng.js';

const require = createRequire(import.meta.url);
const sample = (file: string) => require.resolve(`@observablehq/sample-datasets/${file}`);
const fixture = (file: string) => path.join('test/fixtures/csv', file);

/** Reads a file and parses it under its own path. */
const parseFile = (file: string, options: Omit<CsvOptions, 'name'>) => parseCsv(readFileSync(file), { name: file, ...options });
const bytes = (text: string) => new TextEncoder().encode(text);
const parseText = (text: string, options: Partial<CsvOptions> = {}) => parseCsv(bytes(text), { name: 't.csv', target: 'y', ...options });
const counts = (values: Uint32Array, classes: number) => Array.from({ length: classes }, (_, c) => values.filter((v) => v === c).length);
const row = (t: CsvTable, r: number) => Array.from(t.features.subarray(r * t.featureNames.length, (r + 1) * t.featureNames.length));
const f32 = (...texts: string[]) => texts.map((x) => Math.fround(Number.parseFloat(x)));

describe('real data sets of @observablehq/sample-datasets', () => {
  it('rows to predict: no target, the features a model names, in its order, other columns ignored', () => {
    const t = parseText('id,b,a,y\nx1,2,1,9\nx2,4,3,9\n', { target: [], features: ['a', 'b'] });
    expect(t.featureNames).toEqual(['a', 'b']);
    expect(Array.from(t.features)).toEqual([1, 2, 3, 4]);
    expect(t.targets).toEqual([]);
  });

  it('penguins: 344 rows, 3 species with their counts, missing measurements imputed with the mean', () => {
    const file = sample('penguins.csv');
    const t = parseFile(file, { target: 'species', ignore: ['island', 'sex'], missing: 'mean' });
    expect(t.rows).toBe(344);
    expect(t.featureNames).toEqual(['culmen_length_mm', 'culmen_depth_mm', 'flipper_length_mm', 'body_mass_g']);
    const [species] = t.targets;
    if (species.kind !== 'label') throw new Error('species should be labels');
    expect(species.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(counts(species.values, 3)).toEqual([152, 68, 124]);
    // Line 2: "Adelie,Torgersen,39.1,18.7,181,3750,MALE"; the last line is a Gentoo.
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe('Adelie,Torgersen,39.1,18.7,181,3750,MALE');
    expect(row(t, 0)).toEqual(f32('39.1', '18.7', '181', '3750'));
    expect(species.values[343]).toBe(2);
    // Line 5 is "Adelie,Torgersen,NaN,NaN,NaN,NaN,": the published means of the 342 others.
    const imputed = row(t, 3);
    [43.92193, 17.15117, 200.9152, 4201.754].forEach((mean, j) => expect(imputed[j]).toBeCloseTo(mean, 3));
  });

  it('penguins without ignore: island and sex one-hot, a 0/1 feature per value in the column\'s place, a missing cell 0 in each', () => {
    const t = parseFile(sample('penguins.csv'), { target: 'species', missing: 'keep' });
    expect(t.featureNames).toEqual(['island=Biscoe', 'island=Dream', 'island=Torgersen', 'culmen_length_mm', 'culmen_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex=FEMALE', 'sex=MALE']);
    expect(t.categories).toEqual([{ column: 'island', values: ['Biscoe', 'Dream', 'Torgersen'], first: 0 }, { column: 'sex', values: ['FEMALE', 'MALE'], first: 7 }]);
    // Line 2: "Adelie,Torgersen,39.1,18.7,181,3750,MALE".
    expect(row(t, 0)).toEqual([0, 0, 1, ...f32('39.1', '18.7', '181', '3750'), 0, 1]);
    // Each feature's count of 1s is its value's count of rows (`cut -d, -f2 | sort | uniq -c`: 168, 124, 52; sex 165, 168 and 11 empty).
    const ones = (j: number) => Array.from({ length: t.rows }, (_, r) => t.features[r * 9 + j]).filter((v) => v === 1).length;
    expect([0, 1, 2, 7, 8].map(ones)).toEqual([168, 124, 52, 165, 168]);
    const sexMissing = Array.from({ length: t.rows }, (_, r) => [t.features[r * 9 + 7], t.features[r * 9 + 8]]).filter(([f, m]) => f === 0 && m === 0);
    expect(sexMissing).toHaveLength(11);
    // A missing number is an error by default (the first in the file: line 5's culmen length); a missing text is none of its column's values, whatever missing says.
    expect(() => parseFile(sample('penguins.csv'), { target: 'species' })).toThrow(`${sample('penguins.csv')}: line 5, column "culmen_length_mm" (3): "NaN" is a missing value`);
    expect(Array.from(parseText('c,y\nred,1\n,0\nNA,1\n').features)).toEqual([1, 0, 0]);
    // So one value and blanks is an indicator, not a constant that a mean would fill in.
    const flag = parseText('flag,y\nyes,1\n,0\n,0\nyes,1\n', { missing: 'mean' });
    expect(Array.from(flag.features)).toEqual([1, 0, 0, 1]);
    // And the fill a model keeps for its one-hot features is that 0, as an export's consumer is told to give a missing value its fill.
    expect(flag.imputed).toEqual([0]);
  });

  it('numbers written as text are told by most of a column\'s cells, not its first; a decimal comma in a comma-delimited file where it cannot be a thousands separator', () => {
    expect(() => parseText('income,y\nunknown,1\n"$54,000",0\n"$106,000",1\n')).toThrow(
      't.csv: column holds numbers written as text: "income" (column 1, e.g. "$54,000" on line 3, a number with a thousands separator, a % or a currency sign)');
    expect(parseText('tier,y\n$3,1\na,0\nb,1\n').featureNames).toEqual(['tier=$3', 'tier=a', 'tier=b']);
    expect(() => parseText('h,y\n"59,5",1\n"1,77",0\n')).toThrow('t.csv: column holds numbers written as text: "h" (column 1, e.g. "59,5" on line 2, a number written with a decimal comma)');
    expect(() => parseText('town,h,y\nOslo,"1,500",1\nRome,"2,000",0\n')).toThrow('"h" (column 2, e.g. "1,500" on line 2, a number with a thousands separator, a % or a currency sign)');
  });

  it('whatever the order of its cells: a text column whose first cell is missing, a word column with a decimal comma first, numbers mostly written for reading beside a plain one', () => {
    // A missing cell met before the column's first text is no error: the column turns out to be text.
    const blankFirst = parseText('s,n,y\n,1,0\nred,2,1\n');
    expect([blankFirst.featureNames, Array.from(blankFirst.features)]).toEqual([['s=red', 'n'], [0, 1, 1, 2]]);
    // In a column of numbers it still is, naming the first missing cell, and before a problem later in the file.
    expect(() => parseText('n,y\n1,0\n,1\n2,0\n')).toThrow('t.csv: line 3, column "n" (1): the cell is empty; impute');
    expect(() => parseText('n,y\n1,0\n,1\n2,0\n1e39,1\n')).toThrow('t.csv: line 3, column "n" (1): the cell is empty; impute');
    expect(() => parseText('n,m,y\n,1,0\n2,1,1\n3,1e39,0\n')).toThrow('t.csv: line 2, column "n" (1): the cell is empty; impute');
    expect(() => parseText('n,y\n1,0\n,1\n2,0\n', { features: ['n'] })).toThrow('t.csv: line 3, column "n" (1): the cell is empty; impute');
    expect(parseText('v,y\n"1,5",1\nabc,0\ndef,1\nghi,0\n').featureNames).toEqual(['v=1,5', 'v=abc', 'v=def', 'v=ghi']);
    expect(() => parseText('p,y\n"1,200",1\n"2,500",0\n"3,100",1\n900,0\n')).toThrow(
      't.csv: column holds numbers written as text: "p" (column 1, e.g. "1,200" on line 2, a number with a thousands separator, a % or a currency sign); features must be numbers: write it plainly');
  });

  it('a model\'s categories given to parseCsv are checked as a model file\'s are: shape, repeated values, repeated columns', () => {
    expect(() => parseText('c,y\na,1\n', { features: ['c'], categories: [{ column: 'c', first: 0 } as never] })).toThrow('t.csv: categories[0] must be { column, values, first }');
    expect(() => parseText('c,y\na,1\n', { features: ['c'], categories: [{ column: 'c', values: ['a', 'a'], first: 0 }] })).toThrow('t.csv: categories[0] ("c") lists the value "a" twice');
    expect(() => parseText('c,y\na,1\n', { features: ['c'], categories: [{ column: 'c', values: ['a'], first: 0 }, { column: 'c', values: ['b'], first: 1 }] })).toThrow('t.csv: categories name column "c" twice');
    // A model file's blocks too (checkDataDescription reads them with categoriesFault).
    expect(categoriesFault([{ column: 'c', values: ['a'], first: 0 }, { column: 'c', values: ['b'], first: 1 }], ['c=a', 'c=b'])).toBe('[1] names column "c", which a block before it names');
    expect(categoriesFault([{ column: 'c', values: ['a', 'a'], first: 0 }], ['c=a', 'c=a'])).toBe('[0] ("c") lists the value "a" twice');
  });

  it('a column whose value names a feature another column is named is refused; a model\'s one-hot feature names given as columns say how to read them', () => {
    expect(() => parseText('a,a=b,y\nb,1,0\nc,2,1\n')).toThrow('t.csv: column "a"\'s value "b" makes a feature named "a=b", and so does another column; rename one of them');
    expect(() => parseText('island,y\nDream,1\n', { features: ['island=Dream'] })).toThrow(
      'features name column "island=Dream", which is not in the header; its columns are "island", "y"; a model\'s one-hot features are read from their columns: give features: featureColumns(featureNames, featureCategories), and categories: featureCategories');
  });

  it('a column of text with a stray number, or of numbers with a stray word, names the stray cell; free text in a few rows is refused as names', () => {
    expect(() => parseText('c,y\nS,0\nM,1\nL,0\n10,1\nS,0\n')).toThrow(
      't.csv: line 5, column "c" (1): "10" is a number in a column of text (4 text cells, such as "S" on line 2; 1 number): a column is numbers or text (encoded one-hot); write the value it stands for as text, or leave the cell empty');
    expect(() => parseText('c,y\n1,0\n2,1\nL,0\n3,1\n')).toThrow('t.csv: line 4, column "c" (1): "L" is not a number');
    // 25 sentences in 25 rows of 100: counted over the rows that have one, each value is in one.
    const notes = Array.from({ length: 100 }, (_, i) => `${i % 4 === 0 ? `note number ${i}` : ''},${i % 2}`).join('\n');
    expect(() => parseText(`info,y\n${notes}\n`)).toThrow('"info" (column 1, 25 values in 25 rows with one, e.g. "note number 0" on line 2); names, ids, dates or free text, most likely');
    // Decimal commas beside a text column (delimited by ;): mended in the file, not encoded.
    expect(() => parseText('town;a;y\nOslo;0,5;1\nRome;1,5;0\n')).toThrow(
      't.csv: column holds numbers written as text: "a" (column 2, e.g. "0,5" on line 2, a number written with a decimal comma); features must be numbers: write it plainly in the file (1200 for 1,200; 0.05 or 5 for 5%; 30 for 30 kg, with the unit in the header; no currency signs or invisible spaces; 1.5 for 1,5)');
  });

  it('a model\'s categories: its blocks read a file alike, whatever values the file holds; a value it was not trained on is an error naming the cell and the values', () => {
    const trained = parseText('c,a,y\nred,1,0\nblue,2,1\ngreen,3,0\n');
    expect(trained.featureNames).toEqual(['c=blue', 'c=green', 'c=red', 'a']);
    const model = { features: featureColumns(trained.featureNames, trained.categories), categories: trained.categories! };
    expect(model.features).toEqual(['c', 'a']);
    // Columns in another order, one value only: still the model's four features.
    const read = parseText('a,y,c\n5,0,green\n', model);
    expect(read.featureNames).toEqual(trained.featureNames);
    expect(Array.from(read.features)).toEqual([0, 1, 0, 5]);
    expect(() => parseText('a,y,c\n5,0,Green\n', model)).toThrow('t.csv: line 2, column "c" (3): "Green" is not among the values this column was encoded with in training: "blue", "green", "red"');
    // Blocks that are not the features': refused, naming the column.
    expect(() => parseText('c,a,y\nred,1,0\n', { categories: trained.categories })).toThrow('t.csv: categories are a model\'s, read with its features: give features too');
    expect(() => parseText('c,a,y\nred,1,0\n', { features: ['a'], categories: trained.categories })).toThrow('t.csv: categories name column "c", which is not among the features');
    expect(() => parseText('c,a,y\nred,1,0\n', { features: ['a', 'c'], categories: trained.categories })).toThrow('t.csv: categories place column "c"\'s features first at 0, and the features put them at 1');
    // A model's number column given text: named, with what to do; without the model's categories, what may be missing.
    expect(() => parseText('c,a,y\nred,x,0\n', model)).toThrow('t.csv: column holds text and no numbers: "a" (column 2, e.g. "x" on line 2); features take it as numbers: give it numbers as in the data the model was trained on');
    expect(() => parseText('c,a,y\nred,1,0\n', { features: model.features })).toThrow('t.csv: column holds text and no numbers: "c" (column 1, e.g. "red" on line 2); features take it as numbers: ' +
      'give it numbers as in the data the model was trained on (or, where the model encoded it one-hot, give its featureCategories as categories)');
  });

  it('a text column with a value longer than MAX_VALUE_CHARS is free text: refused, not kept whole in the model', () => {
    const essay = 'word '.repeat(MAX_VALUE_CHARS / 5 + 1).trim();
    expect(() => parseText(`note,a,y\nshort,1,0\n"${essay}",2,1\nshort,3,0\n`)).toThrow(`t.csv: column holds text too long to be categories (at most ${MAX_VALUE_CHARS} characters a value): "note" (column 1, ${essay.length} characters on line 3); free text, most likely: ignore it (--ignore note; in the API, ignore: ["note"])`);
    expect(parseText(`note,a,y\nshort,1,0\n"${essay.slice(0, MAX_VALUE_CHARS)}",2,1\n`).featureNames).toHaveLength(3);
  });

  it('a column of dates is refused, not made a feature per date (which no later date would have); a date among words is a word', () => {
    // 40 rows over 4 dates, ten each: categories by count, dates by their cells.
    const sales = `order_date,units,y\n${Array.from({ length: 40 }, (_, i) => `2022-01-0${1 + (i % 4)},${i},${i % 2}`).join('\n')}\n`;
    expect(() => parseText(sales)).toThrow('t.csv: column holds dates: "order_date" (column 1, e.g. "2022-01-01" on line 2); encoded as categories (a 0/1 feature per date), a date the file lacks, every later one among them, would be none of them: ' +
      'ignore it (--ignore order_date; in the API, ignore: ["order_date"]), or write what it tells as numbers in columns of their own (days since a start, the month, the weekday)');
    expect(parseText(sales, { ignore: ['order_date'] }).featureNames).toEqual(['units']);
    // The training page's first look counts them too, to leave the column unticked.
    expect(csvColumns(new TextEncoder().encode(sales), 't.csv').map((c) => c.dates)).toEqual([40, 0, 0]);
    // And numbers of one unit, of two, and values too long to be categories.
    const looked = csvColumns(new TextEncoder().encode(`w,g,n,y\n1 kg,1 GB,"${'x'.repeat(1001)}",1\n2 kg,1 TB,b,0\n`), 't.csv');
    expect(looked.map((c) => [c.withUnit, c.units, c.longTexts])).toEqual([[2, 1, 0], [2, 2, 0], [0, 0, 1], [0, 0, 0]]);
    // Written the other ways files write them, with times, and beside a few blanks and words.
    for (const date of ['31/01/2022', '01/31/22', '2022/01/31', '31.01.2022', '2022-01', '2022-01-31T10:30:00Z', '2022-01-31 10:30', '1/2/2023 3:04 PM']) {
      expect(() => parseText(`when,a,y\n${date},1,0\n,2,1\n${date},3,0\nunknown,4,1\n${date},5,0\n${date},6,1\n`)).toThrow('t.csv: column holds dates: "when" (column 1,');
    }
    // Fewer than half the text cells: a column of words that holds a date or two (a release's name among codes).
    expect(parseText('tag,a,y\nalpha,1,0\nbeta,2,1\n2022-01-01,3,0\nalpha,4,1\nbeta,5,0\n').featureNames).toEqual(['tag=2022-01-01', 'tag=alpha', 'tag=beta', 'a']);
    // Numbers that only look near a date are not dates: versions, times, seasons, part codes, a month 13.
    expect(parseText('v,a,y\n1.5.3,1,0\n1.2.10,2,1\n10:30,3,0\n2019-20,4,1\n4711-01,5,0\n13/13/2022,6,1\n').featureNames).toEqual(['v=1.2.10', 'v=1.5.3', 'v=10:30', 'v=13/13/2022', 'v=2019-20', 'v=4711-01', 'a']);
  });

  it('a text column of names or ids is refused, not made thousands of features: more than MAX_CATEGORIES values, or more than 20 in fewer than two rows each; so are features past 1 GiB', () => {
    // A name with a comma is quoted as --ignore takes it.
    expect(() => parseText(`"name, full",a,y\n${Array.from({ length: 30 }, (_, i) => `name${i},${i},${i % 2}`).join('\n')}\n`)).toThrow('ignore it (--ignore "name, full"; in the API, ignore: ["name, full"])');
    const names = Array.from({ length: 30 }, (_, i) => `name${i},${i},${i % 2}`).join('\n');
    expect(() => parseText(`who,a,y\n${names}\n`)).toThrow(
      't.csv: column holds text of too many distinct values to encode as categories (a 0/1 feature per value; at most 1000, each in two rows on average): "who" (column 1, 30 values in 30 rows with one, e.g. "name0" on line 2); ' +
        'names, ids, dates or free text, most likely: ignore it (--ignore who; in the API, ignore: ["who"])');
    // 20 values in 30 rows are categories; MAX_CATEGORIES in twice as many rows are, one more is not.
    expect(parseText(`who,a,y\n${Array.from({ length: 30 }, (_, i) => `v${i % 20},${i},0`).join('\n')}\n`).featureNames).toHaveLength(21);
    const cells = (values: number, rows: number) => `who,a,y\n${Array.from({ length: rows }, (_, i) => `v${i % values},${i},0`).join('\n')}\n`;
    expect(parseText(cells(MAX_CATEGORIES, 2 * MAX_CATEGORIES)).featureNames).toHaveLength(MAX_CATEGORIES + 1);
    expect(() => parseText(cells(MAX_CATEGORIES + 1, 3 * MAX_CATEGORIES))).toThrow(`"who" (column 1, over ${MAX_CATEGORIES} values in ${3 * MAX_CATEGORIES} rows with one, e.g. "v0" on line 2)`);
    // 1,000 values in 270,000 rows (2.6 MB) would be 1,001 floats a row, 1.0 GiB: refused before anything is allocated.
    expect(() => parseText(cells(1000, 270_000))).toThrow('t.csv: its text columns encoded one-hot make 1001 features in each of its 270000 rows, 1.01 GiB of floats, past the 1 GiB a table may take; ignore the widest: "who" (1000 values)');
    // A model's columns cannot be ignored: its rows are read in parts.
    const model = parseText(cells(1000, 2000));
    expect(() => parseText(cells(1000, 270_000), { features: featureColumns(model.featureNames, model.categories), categories: model.categories }))
      .toThrow('past the 1 GiB a table may take; read it in parts of at most 268167 rows');
  });

  it('numbers written with thousands separators, % or currency signs are named so, with how to write them, not advice to one-hot them', () => {
    const rows = (cells: string[]) => ['id,income,rate,town,price', ...cells.map((c, i) => `${i},${c},${i}`)].join('\n');
    expect(() => parseText(rows(['"1,200",5%,1', '"2,500",7%,2', '$900,12.5%,3']), { target: 'price', ignore: ['town'] })).toThrow(
      't.csv: columns hold numbers written as text: "income" (column 2, e.g. "1,200" on line 2, a number with a thousands separator, a % or a currency sign), "rate" (column 3, e.g. "5%" on line 2, a number with a thousands separator, a % or a currency sign); ' +
        'features must be numbers: write them plainly in the file (1200 for 1,200; 0.05 or 5 for 5%; 30 for 30 kg, with the unit in the header; no currency signs or invisible spaces)');
    // Beside a column of words, which would be encoded: the dressed numbers alone.
    expect(() => parseText(rows(['"1,200",5,Oslo', '"2,500",7,Rome']), { target: 'price' })).toThrow(
      't.csv: column holds numbers written as text: "income" (column 2, e.g. "1,200" on line 2, a number with a thousands separator, a % or a currency sign); features must be numbers: write it plainly in the file (1200 for 1,200; 0.05 or 5 for 5%; 30 for 30 kg, with the unit in the header; no currency signs or invisible spaces)');
    // A column of numbers with one dressed cell: that cell.
    expect(() => parseText(rows(['"1,200",5,1', '900,7,2']), { target: 'price' })).toThrow(
      't.csv: line 2, column "income" (2): "1,200" is not a number: a number with a thousands separator, a % or a currency sign; write it plainly (1200 for 1,200; 0.05 or 5 for 5%; 30 for 30 kg, with the unit in the header; no currency signs or invisible spaces)');
    expect(['1,200', '1 200', '$1,200.50', '-€3', '12.5%'].filter(isFormattedNumber)).toHaveLength(5);
    expect(['12', '1,2', '1.234,5', '%', '$', 'Oslo', '12,34,567'].filter(isFormattedNumber)).toEqual([]);
    // A unit, a currency after the number or as its code, a space no reader sees: numbers too, not 30 categories of "0 kg" … "29 kg".
    const column = (cell: (i: number) => string) => `w,a,y\n${Array.from({ length: 30 }, (_, i) => `${cell(i)},${i % 3},${i % 2}`).join('\n')}\n`;
    for (const [cell, how] of [[(i: number) => `${i} kg`, 'a number with a unit'], [(i: number) => `${i}.5GHz`, 'a number with a unit'], [(i: number) => `${i}.0€`, 'a number with a thousands separator, a % or a currency sign'],
      [(i: number) => `${i} USD`, 'a number with a thousands separator, a % or a currency sign'], [(i: number) => `${i}\u00a0`, 'a number with an invisible character (a no-break or zero-width space)'],
      [(i: number) => `\u200b${i}`, 'a number with an invisible character (a no-break or zero-width space)']] as const) {
      expect(() => parseText(column(cell))).toThrow(`t.csv: column holds numbers written as text: "w" (column 1, e.g. ${JSON.stringify(cell(0))} on line 2, ${how}); features must be numbers`);
    }
    // Words that only start with a digit stay words: grades, gears, networks, decades, age groups; so do sizes of two units.
    expect(parseText(column((i) => ['1st', '2nd', '4WD', '5G', '3g', '1960s', '20s'][i % 7])).featureNames).toEqual(['w=1960s', 'w=1st', 'w=20s', 'w=2nd', 'w=3g', 'w=4WD', 'w=5G', 'a']);
    expect(parseText(column((i) => ['256 GB', '512 GB', '1 TB'][i % 3])).featureNames).toEqual(['w=1 TB', 'w=256 GB', 'w=512 GB', 'a']);
    // A unit on only some cells (10 m among S, M, L): words.
    expect(parseText(column((i) => ['10 m', '20 m', 'S', 'M', 'L'][i % 5])).featureNames).toHaveLength(6);
    // A stray cell with a unit in a column of numbers is named as such.
    expect(() => parseText('w,y\n1,0\n2,1\n30 kg,0\n')).toThrow('t.csv: line 4, column "w" (1): "30 kg" is not a number: a number with a unit; write it plainly');
    // A quoted number with spaces inside its quotes is the number, as pandas reads it.
    expect(Array.from(parseText('w,y\n" 5 ",1\n"-1.5 ",0\n').features)).toEqual([5, -1.5]);
  });

  it('penguins without imputation: names the first missing value', () => {
    expect(() => parseFile(sample('penguins.csv'), { target: 'species', ignore: ['island', 'sex'] })).toThrow(
      `${sample('penguins.csv')}: line 5, column "culmen_length_mm" (3): "NaN" is a missing value; impute the column's mean with --missing mean (in the API, missing: 'mean')`,
    );
  });

  it('diamonds: 53,940 prices to regress on 6 numeric features', () => {
    const file = sample('diamonds.csv');
    const t = parseFile(file, { target: 'price', ignore: ['cut', 'color', 'clarity'] });
    expect(t.rows).toBe(53940);
    expect(t.featureNames).toEqual(['carat', 'depth', 'table', 'x', 'y', 'z']);
    const [price] = t.targets;
    expect(price.kind).toBe('number');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(53941);
    for (const r of [0, 1, 26999, 53939]) {
      const cells = lines[r + 1].split(',');
      expect(row(t, r)).toEqual(f32(cells[0], ...cells.slice(4, 6), ...cells.slice(7)));
      expect(price.values[r]).toBe(Number(cells[6]));
    }
    expect(Math.min(...price.values)).toBe(326);
    expect(Math.max(...price.values)).toBe(18823);
  });

  it('weather: 2,922 days in 5 kinds of weather, numbered in sorted order', () => {
    const t = parseFile(sample('weather.csv'), { target: 'weather', ignore: ['location', 'date'] });
    expect(t.rows).toBe(2922);
    expect(t.featureNames).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    const [weather] = t.targets;
    if (weather.kind !== 'label') throw new Error('weather should be labels');
    expect(weather.classes).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect(counts(weather.values, 5)).toEqual([111, 139, 1087, 119, 1466]);
    // Line 2: "Seattle,2012-01-01,0.0,12.8,5.0,4.7,drizzle", line 3: "...,rain".
    expect(row(t, 0)).toEqual(f32('0.0', '12.8', '5.0', '4.7'));
    expect(Array.from(weather.values.subarray(0, 2))).toEqual([0, 2]);
  });

  it('cars: a missing target is an error even with imputation', () => {
    expect(() => parseFile(sample('cars.csv'), { target: 'economy (mpg)', ignore: ['name'], missing: 'mean' })).toThrow(
      `${sample('cars.csv')}: line 28, column "economy (mpg)" (2): the cell is empty, and a target cannot be imputed: fill it in or remove the row`,
    );
  });
});

describe('errors in hand-made files name the file, line and column', () => {
  it('a word among the numbers', () => {
    expect(() => parseFile(fixture('iris-typo.csv'), { target: 'species', ignore: ['id'] })).toThrow(
      'test/fixtures/csv/iris-typo.csv: line 14, column "sepal_width" (3): "abc" is not a number',
    );
  });

  it('a row with too few cells', () => {
    expect(() => parseFile(fixture('ragged.csv'), { target: 'label' })).toThrow('test/fixtures/csv/ragged.csv: line 4 has 3 cells; the header has 4');
  });

  it('a row with too many cells', () => {
    expect(() => parseText('a,y\n1,2\n3,4,5,6\n')).toThrow('t.csv: line 3 has 4 cells; the header has 2');
    expect(() => parseText('a,b,y\n1,2,3\n   \n')).toThrow('t.csv: line 3 has 1 cell; the header has 3');
  });

  it('lines that end in a carriage return alone (classic Mac OS), which read as one line; CRLF reads as LF', () => {
    expect(() => parseText('a,y\r1,2\r3,4\r')).toThrow('t.csv: its lines end in a carriage return alone (classic Mac OS); save it with LF or CRLF line endings');
    expect(parseText('a,y\r\n1,2\r\n3,4\r\n').rows).toBe(2);
    // A CR alone in a file of LFs joins two lines, and the count of cells says so.
    expect(() => parseText('a,b,y\r\n1,2,1\n3,4,0\r5,6,1\r\n')).toThrow('t.csv: line 3 has 5 cells; the header has 3 (it holds a carriage return alone, which editors show as a line end but is none here: end each line with LF or CRLF)');
    expect(() => parseText('a,b,y\n1,2,1\n3,4\n')).toThrow(/^t\.csv: line 3 has 2 cells; the header has 3$/);
    // CR CR LF (CRLFs converted once more): the CRs end the line, not the last cell's text (a number column made categories, 0/1 labels made classes "0\r", "1\r").
    const twice = parseText('y,a,b\r\r\n' + Array.from({ length: 20 }, (_, r) => `${r % 2},${r % 3},${r / 4}\r\r\n`).join(''));
    expect([twice.rows, twice.featureNames, twice.targets[0].kind]).toEqual([20, ['a', 'b'], 'number']);
    expect(twice.features[2 * 19 + 1]).toBe(4.75);
    // A run of CRs inside a cell is its text.
    expect(parseText(`a,y\nx${'\r'.repeat(990)}x,1\nx${'\r'.repeat(990)}x,0\n`).categories![0].values[0]).toHaveLength(992);
    // Quoted last cells too, and a file ending in CR CR.
    expect(Array.from(parseText('a,y\r\r\n"1",2\r\r\n3,"4"\r\r').features)).toEqual([1, 3]);
  });

  it('a blank line before the last row', () => {
    expect(() => parseFile(fixture('blank-line.csv'), { target: 'label' })).toThrow(
      'test/fixtures/csv/blank-line.csv: line 3 is blank; only the end of the file may have blank lines',
    );
  });

  it('a quote never closed', () => {
    expect(() => parseFile(fixture('unclosed-quote.csv'), { target: 'label' })).toThrow(
      'test/fixtures/csv/unclosed-quote.csv: line 3: a quoted field starts here and is never closed',
    );
  });

  it('lines inside quoted cells still count', () => {
    expect(() => parseFile(fixture('multiline-quoted.csv'), { target: 'label', ignore: ['note'] })).toThrow(
      'test/fixtures/csv/multiline-quoted.csv: line 7, column "b" (3): "oops" is not a number',
    );
  });

  it('a UTF-16 file (with its byte order mark) is named as such, not as a cell that is not UTF-8', () => {
    const text = 'a,y\n1,2\n';
    for (const bytes of [Buffer.from('\ufeff' + text, 'utf16le'), Buffer.from('\ufeff' + text, 'utf16le').swap16()]) {
      expect(() => parseCsv(new Uint8Array(bytes), { name: 'u.csv', target: 'y' })).toThrow('u.csv: the file is UTF-16 (it begins with a UTF-16 byte order mark); save it as UTF-8');
    }
    const utf32 = new Uint8Array(4 * (text.length + 1));
    new DataView(utf32.buffer).setUint32(0, 0xfeff, true);
    [...text].forEach((c, i) => new DataView(utf32.buffer).setUint32(4 * (i + 1), c.charCodeAt(0), true));
    expect(() => parseCsv(utf32, { name: 'u.csv', target: 'y' })).toThrow('u.csv: the file is UTF-32 (it begins with a UTF-32 byte order mark); save it as UTF-8');
    expect(() => parseCsv(new Uint8Array(Buffer.from(text, 'utf16le')), { name: 'u.csv', target: 'y' })).toThrow('u.csv: its first line holds NUL bytes: UTF-16 or UTF-32 text without a byte order mark (save it as UTF-8), or not text at all');
  });

  it('missing values: empty, and the markers other tools write (NA, N/A, #N/A, nan, NULL…), but not None, a class name as often', () => {
    const hint = "impute the column's mean with --missing mean (in the API, missing: 'mean')";
    expect(() => parseText('a,b,y\n1,,0\n')).toThrow(`t.csv: line 2, column "b" (2): the cell is empty; ${hint}`);
    expect(() => parseText('a,b,y\n1,2,0\n"",2,0\n')).toThrow(`t.csv: line 3, column "a" (1): the cell is empty; ${hint}`);
    for (const na of ['NA', 'NaN', '?', 'nan', 'NAN', '-nan', '-NaN', 'N/A', 'n/a', '#N/A', '<NA>', 'NULL', 'null', '#DIV/0!', '#NUM!', '#VALUE!']) {
      expect(() => parseText(`a,b,y\n1,2,0\n3,${na},0\n`)).toThrow(`t.csv: line 3, column "b" (2): "${na}" is a missing value; ${hint}`);
    }
    expect(() => parseText('a,y\n1,NA\n')).toThrow('t.csv: line 2, column "y" (2): "NA" is a missing value, and a target cannot be imputed: fill it in or remove the row');
    expect(parseText('a,y\n1,None\n2,Low\n').targets[0]).toMatchObject({ kind: 'label', classes: ['Low', 'None'] });
    // Among text labels only empty, ?, NA and NaN are missing: a survey's N/A is a class; among numbers it is missing.
    expect(parseText('a,y\n1,N/A\n2,yes\n3,null\n').targets[0]).toMatchObject({ kind: 'label', classes: ['N/A', 'null', 'yes'] });
    expect(() => parseText('a,y\n1,NA\n2,yes\n')).toThrow('t.csv: line 2, column "y" (2): "NA" is a missing value, and a target cannot be imputed');
    expect(() => parseText('a,y\n1,2.5\n2,nan\n3,N/A\n')).toThrow('t.csv: line 3, column "y" (2): "nan" is a missing value, and a target cannot be imputed: fill it in or remove the row');
    // The first missing cell in the file is the one named, whichever kind of marker comes later.
    expect(() => parseText('a,y\n1,2.5\n2,nan\n3,NA\n')).toThrow('t.csv: line 3, column "y" (2): "nan" is a missing value');
    // Negative numbers begin as -nan does, and are numbers.
    expect(Array.from(parseText('a,y\n-3,1\n-0.5,2\n-1e3,3\n').features)).toEqual([-3, -0.5, -1000]);
    expect(() => parseText('a,b,y\n1,2,0\n1,None,0\n')).toThrow('t.csv: line 3, column "b" (2): "None" is not a number');
  });

  it('imputes the mean of a column, and refuses a column with no value at all', () => {
    const t = parseText('a,b,y\n1,?,0\n2,4,1\n,NA,1\n6,5,0\n', { missing: 'mean' });
    expect(Array.from(t.features)).toEqual([1, 4.5, 2, 4, 3, 4.5, 6, 5]);
    expect(() => parseText('a,b,y\n1,,0\n2,NA,1\n', { missing: 'mean' })).toThrow('t.csv: column "b" (2) has no values, so it has no mean to impute; ignore it (--ignore b; in the API, ignore: ["b"])');
  });

  it('a text column is encoded one-hot; a stray word among numbers is an error naming its cell', () => {
    const t = parseText('city,a,y\nParis,1,0\nRome,2,1\n');
    expect(t.featureNames).toEqual(['city=Paris', 'city=Rome', 'a']);
    expect(Array.from(t.features)).toEqual([1, 0, 1, 0, 1, 2]);
    expect(() => parseText('a,y\n1,0\nx,1\n')).toThrow('t.csv: line 3, column "a" (1): "x" is not a number');
    // Beside a text column, which does not hide it.
    expect(() => parseText('c,a,y\nred,1,0\nblue,x,1\n')).toThrow('t.csv: line 3, column "a" (2): "x" is not a number');
  });

  it('numbers with a decimal comma (a European spreadsheet, delimited by ;) are named as such, not as text to one-hot encode', () => {
    const advice = 'is a number written with a decimal comma; write decimals with a point (1.5), as programs read CSV files';
    expect(() => parseText('a;b;y\n1,5;2,25;x\n3,0;4,5;y\n')).toThrow('t.csv: columns hold numbers written as text: "a" (column 1, e.g. "1,5" on line 2, a number written with a decimal comma), ' +
      '"b" (column 2, e.g. "2,25" on line 2, a number written with a decimal comma); features must be numbers: write them plainly in the file (1200 for 1,200; 0.05 or 5 for 5%; 30 for 30 kg, with the unit in the header; no currency signs or invisible spaces; 1.5 for 1,5)');
    // A target of such numbers, which would be read as text classes; thousands with a point too.
    expect(() => parseText('a;y\n1;1,5\n2;2\n3;1.234,5\n')).toThrow('t.csv: target "y" holds numbers written with a decimal comma; write decimals with a point (1.5), as programs read CSV files ("1,5")');
    expect(() => parseText('a;b;y\n1.234,5;1;x\n')).toThrow('t.csv: column holds numbers written as text: "a" (column 1, e.g. "1.234,5" on line 2, a number written with a decimal comma)');
    // A column with a whole number among them (a spreadsheet writes 2, not 2,0), and tabs.
    expect(() => parseText('a\tb\ty\n2\t1\tx\n-0,5\t3\ty\n')).toThrow(`t.csv: line 3, column "a" (1): "-0,5" ${advice}`);
    // In a comma-delimited file, a quoted "1,500" is a thousands separator, not a decimal.
    expect(() => parseText('a,b,y\n"1,500",1,x\n"2,000",2,y\n')).toThrow('t.csv: column holds numbers written as text: "a" (column 1, e.g. "1,500" on line 2, a number with a thousands separator');
  });

  it('20,000 text columns of ids: the message names the first ten and counts them, where it listed every one twice (1.2 MB)', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `t${i}`);
    let message = '';
    try {
      parseText(`${names.join(',')},y\n${Array.from({ length: 21 }, (_, r) => `${names.map(() => `id${r}`).join(',')},1`).join('\n')}\n`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^t\.csv: columns hold text of too many distinct values to encode as categories .*: "t0" \(column 1, 21 values in 21 rows with one, e\.g\. "id0" on line 2\), .*"t9" \(column 10, .*\), … \(20000 in all\); names, ids, dates or free text, most likely: ignore them \(--ignore with their 20000 names\)$/);
    expect(message.length).toBeLessThan(1000);
  });

  it('numbers beyond float32 and number syntaxes JS has but CSV data should not', () => {
    expect(() => parseText('a,y\n1e39,0\n')).toThrow('t.csv: line 2, column "a" (1): "1e39" is beyond the range of a 32-bit float');
    expect(() => parseText('a,y\n1,-4e38\n')).toThrow('t.csv: line 2, column "y" (2): "-4e38" is beyond the range of a 32-bit float');
    for (const text of ['0x10', 'Infinity', '-Infinity', '1_000', '1e', 'e5', '.', '+', '-', '1.2.3', '1e5.5', '1 2', '٣', '--1', '1e+-2']) {
      expect(() => parseText(`a,y\n1,0\n${text},0\n`)).toThrow(`t.csv: line 3, column "a" (1): ${JSON.stringify(text)} is not a number`);
    }
  });

  it('columns the header leaves unnamed (pandas\' index, a delimiter ending each line) are left out, whatever they hold, and listed', () => {
    const pandas = parseText(',a,b,y\n0,1,2,x\n1,3,4,z\n2,5,6,x\n');
    expect([pandas.featureNames, pandas.unnamed, row(pandas, 1)]).toEqual([['a', 'b'], [1], [3, 4]]);
    const trailing = parseText('a, ,y,\n1,text,2,\n3,,4,\n');
    expect([trailing.featureNames, trailing.unnamed, row(trailing, 1), trailing.targets[0].values]).toEqual([['a'], [2, 4], [3], Float32Array.of(2, 4)]);
    expect(parseText('a,y\n1,2\n').unnamed).toBeUndefined();
    // Not a name to give: the columns an error lists are the named ones.
    expect(() => parseText(',a,y\n0,1,2\n', { ignore: [''] })).toThrow('t.csv: ignore names column "", which is not in the header; its columns are "a", "y"');
    expect(() => parseText(',a,b\n0,1,2\n', { target: '' })).toThrow('t.csv: target names column "", which is not in the header; its columns are "a", "b"');
    // All of a list's columns the header lacks, not the first alone: a model's features read from another file.
    expect(() => parseText('Age,BMI,Glucose,y\n1,2,3,4\n', { target: [], features: ['Pregnancies', 'Glucose', 'BloodPressure', 'BMI', 'Age'], calls: { features: "the model's features" } }))
      .toThrow(`t.csv: the model's features name columns "Pregnancies", "BloodPressure", which are not in the header; its columns are "Age", "BMI", "Glucose", "y"`);
    expect(() => parseText(',,\n1,2,3\n')).toThrow('t.csv: target names column "y", which is not in the header; the header names no column');
    // A header ending in a delimiter that its rows do not end in.
    expect(() => parseText('a,y,\n1,2\n')).toThrow('t.csv: line 2 has 2 cells; the header has 3 (its last, column 3, has no name: the header line ends in a delimiter its rows do not)');
  });

  it('the header: duplicate names, unknown and conflicting columns, no rows, no features', () => {
    expect(() => parseText('')).toThrow('t.csv: the file is empty; a CSV file starts with a header row');
    expect(() => parseText('\ufeff')).toThrow('t.csv: the file is empty; a CSV file starts with a header row');
    expect(() => parseText('a,y, a \n1,2,3\n')).toThrow('t.csv: the header names column "a" twice (columns 1, 3), and every column not a target or ignored is a feature (ignore leaves both out): rename all but one');
    // A name given twice matters only where it is used: left out, or among the columns a model does not read, it is no fault.
    expect(parseText('a,y,a,b\n1,2,3,4\n', { ignore: ['a'] }).featureNames).toEqual(['b']);
    expect(parseText('note,y,b,note\n1,2,3,4\n', { features: ['b'] }).featureNames).toEqual(['b']);
    expect(() => parseText('a,y,a,a\n1,2,3,4\n', { features: ['a'] })).toThrow('t.csv: the header names column "a" 3 times (columns 1, 3, 4), and features name it: rename all but one');
    expect(() => parseText('y,b,y\n1,2,3\n')).toThrow('t.csv: the header names column "y" twice (columns 1, 3), and target names it: rename all but one');
    // A matrix of 0s and 1s with no header line: 40,000 columns named "0", their list cut short, with the likely cause.
    const headless = `${Array(40_000).fill('0').join(',')},y\n${Array(40_001).fill('1').join(',')}\n`;
    expect(() => parseText(headless)).toThrow(/^t\.csv: the header names column "0" 40000 times \(columns 1, 2, 3, .*, 20, … \(40000 in all\)\), and every column .*: rename all but one; if the file has no header line, add a line of names$/);
    // A header of more than MAX_COLUMNS names is no table: refused before a string is made for each of the rest.
    expect(() => parseText(`${Array.from({ length: MAX_COLUMNS + 1 }, (_, i) => `c${i}`).join(',')}\n`, { target: 'c0' })).toThrow('t.csv: its header names more than 100,000 columns, which is no table of features simdnet reads: is it a CSV file?');
    expect(parseText(`${Array.from({ length: MAX_COLUMNS }, (_, i) => `c${i}`).join(',')}\n${Array(MAX_COLUMNS).fill('1').join(',')}\n`, { target: 'c0' }).featureNames).toHaveLength(MAX_COLUMNS - 1);
    expect(() => parseText('a,b\n1,2\n')).toThrow('t.csv: target names column "y", which is not in the header; its columns are "a", "b"');
    expect(() => parseText('a,b,y\n1,2,3\n', { ignore: ['c'] })).toThrow('t.csv: ignore names column "c", which is not in the header; its columns are "a", "b", "y"');
    expect(() => parseText('a,b,y\n1,2,3\n', { ignore: ['y'] })).toThrow('t.csv: column "y" is both a target and ignored');
    expect(() => parseText('a,b,y\n1,2,3\n', { target: ['y', 'y'] })).toThrow('t.csv: target names column "y" twice');
    expect(() => tableSplits(parseText('a,b,y\n1,2,3\n', { target: [] }), 't.csv')).toThrow('t.csv: no target column; name the column(s) to learn');
    expect(() => parseText('a,b,y\n1,2,3\n', { features: ['a', 'y'] })).toThrow('t.csv: column "y" is named twice among the features, targets and ignored columns');
    expect(() => parseText('a,y\n1,2\n', { ignore: ['a'] })).toThrow('t.csv: no feature columns are left: every column is a target or ignored');
    expect(() => parseText('a,y\r\n\r\n')).toThrow('t.csv: the header is the only row; there is no data');
    // The errors of the options' column names, which a caller may take for its own usage errors, and only those.
    for (const options of [{ target: 'nope' }, { ignore: ['c'] }, { ignore: ['y'] }, { target: ['y', 'y'] }, { features: ['a', 'y'] }]) {
      expect(() => parseText('a,b,y\n1,2,3\n', options)).toThrow(CsvColumnError);
    }
    expect(() => parseText('a,b,y\n1,x,3\n2,2,3\n')).toThrow(expect.not.objectContaining({ constructor: CsvColumnError }));
  });

  it('text after a closing quote, and bytes that are not UTF-8', () => {
    expect(() => parseText('a,y\n"1"2,0\n')).toThrow('t.csv: line 2, column "a" (1): text after a closing quote; a quote inside a quoted field is written twice ("")');
    const latin1 = new Uint8Array([...bytes('a,y\n1,caf'), 0xe9, 0x0a]);
    expect(() => parseCsv(latin1, { name: 'l.csv', target: 'y' })).toThrow('l.csv: line 2, column "y" (2): the cell is not valid UTF-8: save the file as UTF-8 (its text is most likely Latin-1 or Windows-1252)');
    // Files that are no text, named as what they are by their first bytes.
    expect(() => parseCsv(gzipSync(Buffer.from('a,y\n1,2\n')), { name: 'g.csv', target: 'y' })).toThrow('g.csv: the file is gzip-compressed: unpack it (the command line and loadCsv unpack a file whose name ends in .gz)');
    expect(() => parseCsv(gzipSync(Buffer.from('a,y\n1,2\n')), { name: 'twice.csv.gz', target: 'y' })).toThrow(/^twice\.csv\.gz: the file is gzip-compressed: unpack it$/);
    expect(() => parseCsv(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10), { name: 'p.csv', target: 'y' })).toThrow('p.csv: the file is a PNG image, not a table of text');
    expect(() => parseCsv(Uint8Array.of(0x50, 0x4b, 3, 4, 20, 0), { name: 'book.csv', target: 'y' })).toThrow('book.csv: the file is a ZIP archive (an Excel workbook is one): save the sheet as CSV (UTF-8)');
  });
});

describe('CSV syntax', () => {
  it('BOM, CRLF, no final newline, blank lines at the end, spaces around cells', () => {
    const expected = { rows: 2, featureNames: ['a', 'b'], features: new Float32Array([1, 2.5, -3, 4e-3]) };
    for (const text of ['\ufeffa,b,y\r\n1,2.5,0\r\n-3,4e-3,1', 'a,b,y\n1,2.5,0\n-3,4e-3,1\n\n\r\n\n', ' a , b ,y\n 1 ,\t2.5\t, 0\n-3 ,4e-3, 1 \n']) {
      const t = parseText(text);
      expect(t).toMatchObject(expected);
      expect(t.targets).toEqual([{ name: 'y', kind: 'number', values: new Float32Array([0, 1]) }]);
    }
  });

  it('a CR alone is text, except at the very end', () => {
    expect(parseText('a,y\n1,x\ry\n').targets[0]).toMatchObject({ kind: 'label', classes: ['x\ry'] });
    expect(parseText('a,y\n1,2\r').targets[0]).toMatchObject({ kind: 'number', values: new Float32Array([2]) });
  });

  it('RFC 4180 quotes: delimiters, line breaks and "" inside, quoted names and numbers', () => {
    const t = parseText('"a ""x""",b,"y"\r\n"1.5","2",  "new\r\nline, ""quoted"""  \r\n"3",4,plain\r\n');
    expect(t.featureNames).toEqual(['a "x"', 'b']);
    expect(Array.from(t.features)).toEqual([1.5, 2, 3, 4]);
    expect(t.targets[0]).toEqual({ name: 'y', kind: 'label', values: new Uint32Array([0, 1]), classes: ['new\r\nline, "quoted"', 'plain'] });
  });

  it('labels: classes in code-unit order (uppercase first), numbers stay numbers', () => {
    expect(parseText('a,y\n1,b\n2,a\n3,B\n4,b\n').targets[0]).toEqual({ name: 'y', kind: 'label', values: new Uint32Array([2, 1, 0, 2]), classes: ['B', 'a', 'b'] });
    expect(parseText('a,y,z\n1,2,0\n2,0,1.5\n', { target: ['z', 'y'] }).targets).toEqual([
      { name: 'z', kind: 'number', values: new Float32Array([0, 1.5]) },
      { name: 'y', kind: 'number', values: new Float32Array([2, 0]) },
    ]);
  });

  it('a target of numbers with a stray cell of text: tableSplits and loadCsv refuse it, naming the cell, unless classes are asked for', async () => {
    const text = 'a,price\n' + Array.from({ length: 200 }, (_, i) => `${i},${1000 + 7 * i}\n`).join('') + '5,"3,000"\n';
    const table = parseText(text, { target: 'price' });
    expect(table.targets[0].kind).toBe('label');
    // 201 values in 201 rows are too many to be classes: the refusal offers none.
    const refusal = 't.csv: target price: 200 of its 201 cells are numbers but "3,000" is not (data row 201); fix those cells to learn it as numbers';
    expect(() => tableSplits(table, 't.csv')).toThrow(refusal);
    expect(() => tableSplits(table, 't.csv')).not.toThrow('classes');
    const tooMany = 't.csv: target price holds 201 distinct values in 201 rows: too many to be classes';
    expect(() => tableSplits(table, 't.csv', { mixedTarget: 'classes' })).toThrow(tooMany);
    // Few enough to be classes: the refusal offers them, and they are classes when asked for.
    const grades = parseText('a,grade\n' + Array.from({ length: 100 }, (_, i) => `${i},${i % 10}\n`).join('') + '5,ten\n', { target: 'grade' });
    expect(() => tableSplits(grades, 't.csv', { mixedTarget: 'error', asClasses: '--task classification' })).toThrow(
      't.csv: target grade: 100 of its 101 cells are numbers but "ten" is not (data row 101); fix those cells to learn it as numbers, or give --task classification to learn its values as classes');
    expect(tableSplits(grades, 't.csv', { mixedTarget: 'classes' }).classes).toBe(11);
    const twoWords = parseText('a,grade\n' + Array.from({ length: 200 }, (_, i) => `${i},${i % 20}\n`).join('') + '5,ten\n6,eleven\n', { target: 'grade' });
    expect(() => tableSplits(twoWords, 't.csv')).toThrow('t.csv: target grade: 200 of its 202 cells are numbers but "eleven", "ten" are not (the first in data row 201); fix those cells');
    // A model's own file read again keeps the classes it was trained on, as many as they are (models saved before the rule).
    expect(tableSplits(table, 't.csv', { mixedTarget: 'classes', trained: true }).classes).toBe(201);
    // Cells are numbers as the reader reads them, not as Number() does: hex is text here too.
    const hex = 'a,price\n' + Array.from({ length: 50 }, (_, i) => `${i},${100 + i}\n`).join('') + '5,0x1F\n';
    expect(() => tableSplits(parseText(hex, { target: 'price' }), 't.csv')).toThrow('t.csv: target price: 50 of its 51 cells are numbers but "0x1F" is not (data row 51)');
    // Counted by cells, not by values: one dash among 299 ratings of five values is a stray, not a sixth class.
    const ratings = parseText('a,quality\n' + Array.from({ length: 300 }, (_, i) => `${i},${i === 137 ? '-' : 3 + (i % 5)}\n`).join(''), { target: 'quality' });
    expect(() => tableSplits(ratings, 't.csv')).toThrow("t.csv: target quality: 299 of its 300 cells are numbers but \"-\" is not (data row 138); fix those cells to learn it as numbers, or give mixedTarget: 'classes' to learn its values as classes");
    // Or by values: "unknown" in a fifth of the rows of prices of 236 values.
    const prices = parseText('a,price\n' + Array.from({ length: 295 }, (_, i) => `${i},${i % 5 === 4 ? 'unknown' : 1000 + i}\n`).join(''), { target: 'price' });
    expect(() => tableSplits(prices, 't.csv')).toThrow('t.csv: target price: 236 of its 295 cells are numbers but "unknown" is not (data row 5); fix those cells to learn it as numbers');
    // A number among words is a class of its own, as before (a label "7" may be one).
    const pets = parseText('a,pet\n' + Array.from({ length: 60 }, (_, i) => `${i},${i === 9 ? 7 : ['cat', 'dog'][i % 2]}\n`).join(''), { target: 'pet' });
    expect(tableSplits(pets, 't.csv').classNames).toEqual(['7', 'cat', 'dog']);
    // Labels of text, or with fewer than 90% of their cells numbers (or text), are classes as before.
    expect(tableSplits(parseText('a,y\n1,0\n2,1\n3,unknown\n'), 't.csv').classes).toBe(3);
    const dir = mkdtempSync(path.join(tmpdir(), 'stray-'));
    const file = path.join(dir, 'stray.csv');
    writeFileSync(file, text);
    await expect(loadCsv(file, { target: 'price' })).rejects.toThrow(`${file}: target price: 200 of its 201 cells are numbers but "3,000" is not (data row 201)`);
    await expect(loadCsv(file, { target: 'price', mixedTarget: 'classes' })).rejects.toThrow(tooMany.replace('t.csv', file));
  });

  it('detects ; and tab delimiters from the header, outside quotes; a given delimiter wins', () => {
    expect(parseText('a;b;"y,z"\n1.5;2;x\n', { target: 'y,z' })).toMatchObject({ featureNames: ['a', 'b'], features: new Float32Array([1.5, 2]) });
    expect(parseText('a\tb\ty\n 1\t2 \t0\n')).toMatchObject({ featureNames: ['a', 'b'], features: new Float32Array([1, 2]) });
    expect(parseText('a\tb\ty\n1\t\t0\n3\t4\t1\n', { missing: 'mean' }).features).toEqual(new Float32Array([1, 4, 3, 4]));
    expect(parseText('a;b,y\n1,0\n').featureNames).toEqual(['a;b']);
    expect(parseText('a,b;y\n7;0\n', { delimiter: ';' }).featureNames).toEqual(['a,b']);
    // Names that hold another delimiter than the file's: the rows tell which splits them all alike.
    expect(parseText('length (cm, rounded)\twidth (cm, rounded)\ty\n5.1\t3.5\t0\n4.9\t3.0\t1\n').featureNames).toEqual(['length (cm, rounded)', 'width (cm, rounded)']);
    // A quote inside a name opens no quoted field.
    expect(parseText('5" pipe;c;y\n1;2;0\n3;4;1\n').featureNames).toEqual(['5" pipe', 'c']);
    // A quoted field's delimiters and line ends are its own.
    expect(parseText('"a;1","b\n;2",y\n1,2,0\n').featureNames).toEqual(['a;1', 'b\n;2']);
  });
});

describe('numbers equal Math.fround(Number.parseFloat(text))', () => {
  const rng = new Rng(11);
  const digits = (n: number) => Array.from({ length: n }, () => rng.int(10)).join('');
  const pick = <T>(choices: readonly T[]) => choices[rng.int(choices.length)];
  /** Hand-made decimals of every shape, JS's own shortest forms, float32 values, long mantissas. */
  const randomNumberText = (): string => {
    switch (rng.int(4)) {
      case 0: {
        const mantissa = `${digits(rng.int(10))}${pick(['', '.'])}${digits(rng.int(10))}` || '0';
        const exponent = rng.int(3) === 0 ? `${pick(['e', 'E'])}${pick(['', '+', '-'])}${rng.int(50)}` : '';
        return `${pick(['', '+', '-'])}${mantissa === '.' ? '.5' : mantissa}${exponent}`;
      }
      case 1:
        return String(rng.normal() * 10 ** (rng.int(60) - 30));
      case 2:
        return String(Math.fround(rng.normal() * 10 ** (rng.int(20) - 10)));
      default:
        return `${pick(['', '-'])}${digits(1 + rng.int(25))}.${digits(rng.int(25))}e${rng.int(90) - 45}`;
    }
  };
  const edgeCases = ['0', '-0', '0.1', '.5', '5.', '+7', '1e-45', '1e-46', '3.4028235e38', '1e22', '1e23', '123456789012345', '9007199254740993', '0.000000000000000000000001', '4.9e-324', '1e-400', '00012.50'];

  it('parseNumber gives the very double Number.parseFloat gives, on 100,000 random texts', () => {
    for (const text of [...edgeCases, ...Array.from({ length: 100_000 }, randomNumberText)]) {
      const b = bytes(text);
      const value = parseNumber(b, 0, b.length);
      if (!Object.is(value, Number.parseFloat(text))) expect.fail(`${text}: parseNumber gives ${value}, parseFloat ${Number.parseFloat(text)}`);
    }
  });

  it('parseCsv stores Math.fround of it, on 20,000 random texts in a file', () => {
    const texts = [...edgeCases, ...Array.from({ length: 20_000 }, randomNumberText)].filter((x) => Number.isFinite(Math.fround(Number.parseFloat(x))));
    const t = parseText(`x,y\n${texts.map((x, i) => `${x},${i % 2}`).join('\n')}\n`);
    expect(t.rows).toBe(texts.length);
    texts.forEach((x, i) => {
      if (!Object.is(t.features[i], Math.fround(Number.parseFloat(x)))) expect.fail(`${x}: stored ${t.features[i]}`);
    });
  });
});

describe('memory', () => {
  it('reads 30 MB of CSV (5.4 million cells) with a 24 MB JavaScript heap: no string per cell is kept', () => {
    // The floats live outside the heap (19 MB of ArrayBuffer); strings per cell would not fit.
    const script = `
      import { parseCsv } from './src/data/csv.ts';
      const rows = 600000;
      const header = Buffer.from('a,b,c,d,e,f,g,h,y\\n');
      const line = Buffer.from('123.456,-7.5e-3,0.001,42,3.14159,-0,1e10,9.75,cat\\n');
      const bytes = new Uint8Array(header.length + rows * line.length);
      bytes.set(header);
      for (let r = 0; r < rows; r++) bytes.set(line, header.length + r * line.length);
      const t = parseCsv(bytes, { name: 'generated.csv', target: 'y' });
      console.log(JSON.stringify({ size: bytes.length, rows: t.rows, floats: t.features.length, last: Array.from(t.features.subarray(-8)) }));`;
    const child = spawnSync(process.execPath, ['--max-old-space-size=24', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ size: 30_000_018, rows: 600_000, floats: 4_800_000, last: f32('123.456', '-7.5e-3', '0.001', '42', '3.14159', '0', '1e10', '9.75') });
  });
});

describe('hostile files', () => {
  /** One random mutation: truncation, flipped bits, CSV-significant or random bytes inserted, garbage. */
  function mutate(source: Uint8Array, rng: Rng): Uint8Array {
    const at = rng.int(source.length);
    const insert = (extra: Uint8Array) => Uint8Array.from([...source.subarray(0, at), ...extra, ...source.subarray(at)]);
    switch (rng.int(5)) {
      case 0:
        return source.slice(0, at);
      case 1: {
        const out = Uint8Array.from(source);
        for (let k = 0, n = 1 + rng.int(4); k < n; k++) out[rng.int(out.length)] ^= 1 << rng.int(8);
        return out;
      }
      case 2:
        return insert(bytes(['"', '""', ',', ';', '\t', '\r', '\n', '\r\n', 'NA', '?', ' ', '\ufeff', '1e99', '-', '.'][rng.int(15)].repeat(1 + rng.int(3))));
      case 3:
        return insert(Uint8Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)));
      default:
        return Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
    }
  }

  it('4,000 mutations of real files end in a consistent table or an error naming the file', () => {
    const rng = new Rng(5);
    const sources = [
      { file: 'weather.csv', options: { target: 'weather', ignore: ['location', 'date'] } },
      { file: 'penguins.csv', options: { target: ['species', 'body_mass_g'], ignore: ['island', 'sex'], missing: 'mean' as const } },
    ].map(({ file, options }) => ({ bytes: bytes(readFileSync(sample(file), 'utf8').split('\n').slice(0, 40).join('\n')), options }));
    let ok = 0;
    for (let i = 0; i < 4000; i++) {
      const { bytes: source, options } = sources[i % 2];
      const mutated = mutate(source, rng);
      let t: CsvTable;
      try {
        t = parseCsv(mutated, { name: 'mutated.csv', ...options });
      } catch (e) {
        if (!(e instanceof Error) || !e.message.startsWith('mutated.csv: ')) expect.fail(`not a clear error: ${String(e)}`);
        continue;
      }
      ok++;
      expect(t.features.length).toBe(t.rows * t.featureNames.length);
      expect(t.features.every(Number.isFinite)).toBe(true);
      for (const target of t.targets) {
        expect(target.values.length).toBe(t.rows);
        if (target.kind === 'label') expect(target.values.every((v) => v < target.classes.length)).toBe(true);
        else expect(target.values.every(Number.isFinite)).toBe(true);
      }
    }
    expect(ok).toBeGreaterThan(400);
    expect(ok).toBeLessThan(3600);
  });
});
