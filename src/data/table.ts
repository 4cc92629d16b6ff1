// A numeric table read from a tabular source (a CSV file today): features as one row-major
// Float32Array and one array per target column, so that it costs about its float size.

/** A target column: numbers as read, or text labels as indices into `classes`. */
export type TargetColumn =
  | { name: string; kind: 'number'; values: Float32Array }
  | { name: string; kind: 'label'; values: Uint32Array; classes: string[] };

export interface CsvTable {
  rows: number;
  featureNames: string[];
  /** [rows × featureNames.length], row-major. */
  features: Float32Array;
  /** One entry per target column, in the order asked. */
  targets: TargetColumn[];
}
