/**
 * `statecap grade --rubric rubric.json <submission...> [--format table|csv|gradescope|json] [--output DIR]`
 * (issue 6). A submission is a capture file or a folder of one student's captures. A malformed
 * rubric is rejected before any grading (one line per problem, naming the item and field; exit 2).
 * A submission that is not a readable capture scores 0 with the reason, and the others are still
 * graded (exit 0). With --output DIR each submission gets its own file, named after it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import type { AnyReport } from '../../report/schema.js';
import type { CommonOptionValues } from '../options.js';
import { examples } from '../help.js';
import { parseRubric, type Rubric } from '../../grade/rubric.js';
import { collectSubmission, uniqueNames } from '../../grade/submission.js';
import { gradeSubmission, type SubmissionGrade } from '../../grade/grade.js';
import { GRADE_FORMATS, outputFileName, renderGrades, type GradeFormat } from '../../grade/formats.js';
import { addSharedAnalysisOptions, analyzeOptionsFrom, ioFor, type CommandDeps, type Io } from './deps.js';

interface GradeValues extends CommonOptionValues {
  rubric: string;
  format: string;
  output?: string;
}

function isFormat(text: string): text is GradeFormat {
  return (GRADE_FORMATS as readonly string[]).includes(text);
}

export function register(program: Command, deps: CommandDeps): void {
  const cmd = program.command('grade')
    .description('grade capture homework against a declarative JSON rubric (a submission is a capture or a folder of captures)')
    .argument('<submission...>', 'capture files or folders, one per student')
    .requiredOption('-r, --rubric <file>', 'the rubric (JSON): items with points, expectations and where filters')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...GRADE_FORMATS]).default('table', 'table'))
    .option('-o, --output <dir>', 'write one file per submission into DIR, named after it');
  addSharedAnalysisOptions(cmd, deps);
  examples(cmd, [
    ['statecap grade -r examples/rubrics/tcp-handshake/rubric.json examples/rubrics/tcp-handshake/submissions/*', 'a score table'],
    ['statecap grade -r rubric.json -f csv submissions/* > gradebook.csv', 'one CSV row per student'],
    ['statecap grade -r rubric.json -f gradescope -o results/ submissions/*', 'one Gradescope JSON file per student'],
  ]);
  cmd.action(async (submissions: string[], values: GradeValues) => {
    process.exitCode = await runGradeCommand(submissions, values, deps);
  });
}

function loadRubric(path: string, io: Io): Rubric | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    io.err(`statecap: ${path}: cannot read rubric (${(e as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return null;
  }
  const parsed = parseRubric(text, path);
  if ('errors' in parsed) {
    for (const error of parsed.errors) io.err(`statecap: ${error}\n`);
    return null;
  }
  return parsed.rubric;
}

/** The whole command; returns the exit code. Exported for tests. */
export async function runGradeCommand(paths: readonly string[], values: GradeValues, deps: CommandDeps): Promise<0 | 2> {
  const io = ioFor(deps);
  if (!isFormat(values.format)) {
    io.err(`statecap: --format ${values.format} is not one of ${GRADE_FORMATS.join(', ')}\n`);
    return 2;
  }
  const format = values.format;
  const rubric = loadRubric(values.rubric, io);
  const options = analyzeOptionsFrom(values, deps, io);
  if (rubric === null || options === null) return 2;

  const collected = await Promise.all(paths.map((p) => collectSubmission(p)));
  const names = uniqueNames(collected.map((s) => s.name));
  const grades: SubmissionGrade[] = [];
  deps.prefetch?.(collected.flatMap((s) => s.captures), options);
  for (const [i, submission] of collected.entries()) {
    const reports: AnyReport[] = [];
    for (const capture of submission.captures) reports.push(await deps.analyze(capture, options));
    const grade = gradeSubmission({ ...submission, name: names[i] }, reports, rubric);
    for (const problem of grade.problems) {
      // One shape for every message: "statecap: [warning: ]<what>: <problem>".
      io.err(problem.startsWith('warning: ') ? `statecap: warning: ${grade.name}: ${problem.slice(9)}\n` : `statecap: ${grade.name}: ${problem}\n`);
    }
    grades.push(grade);
  }

  if (values.output === undefined) {
    io.out(renderGrades(grades, rubric, format, { color: io.color }));
    return 0;
  }
  try {
    mkdirSync(values.output, { recursive: true });
    for (const grade of grades) {
      const file = join(values.output, outputFileName(grade.name, format));
      writeFileSync(file, renderGrades([grade], rubric, format, { color: false }));
      io.out(`${grade.name}: ${grade.score}/${grade.maxScore} -> ${file}\n`);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    io.err(`statecap: ${err.path ?? values.output}: cannot write (${err.code ?? err.message})\n`);
    return 2;
  }
  return 0;
}
