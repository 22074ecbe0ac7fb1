/**
 * Merges Stryker reports into the committed mutation baseline (docs/mutation.md), for files
 * measured on separate branches: `npx tsx scripts/mutation-merge.ts <report.json>...`.
 *
 * Each report numbers its tests from zero, and its mutants name the tests that covered and
 * killed them by those numbers, so files cannot be copied from one report to another as they
 * are. Tests are matched across reports by their file and name, renumbered once, and every
 * mutant's `coveredBy` and `killedBy` rewritten to the new numbers.
 *
 * Of the versions of a file (source or test file) the baseline and the reports hold, the one
 * whose source is the working tree's wins, the later report's when several are; when none is,
 * the last one is kept, and the incremental check re-runs what changed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

interface Mutant {
  coveredBy?: string[]
  killedBy?: string[]
  [key: string]: unknown
}
interface SourceFile {
  source: string
  mutants: Mutant[]
  [key: string]: unknown
}
interface TestFile {
  source?: string
  tests: Array<{ id: string; name: string; [key: string]: unknown }>
}
interface Report {
  files: Record<string, SourceFile>
  testFiles?: Record<string, TestFile>
  [key: string]: unknown
}

const root = resolve(import.meta.dirname, '..')
const baselinePath = join(root, 'mutation/stryker-incremental.json')
const inputs = process.argv.slice(2)
if (inputs.length === 0) {
  console.error('usage: npx tsx scripts/mutation-merge.ts <report.json>...')
  process.exit(2)
}

const read = (path: string): Report => JSON.parse(readFileSync(path, 'utf8')) as Report
const reports = [read(baselinePath), ...inputs.map((path) => read(resolve(path)))]
const onDisk = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined)

/** The index of the report whose version of `path` to keep, among those that hold it. */
function pick(holders: number[], sourceOf: (index: number) => string | undefined, path: string): number {
  const current = onDisk(path)
  const matching = holders.filter((index) => sourceOf(index) === current)
  return (matching.length > 0 ? matching : holders).at(-1)!
}

const testKey = (file: string, name: string) => `${file}\u0000${name}`
const merged: Report = { ...reports.at(-1)!, files: {}, testFiles: {} }

const testFilePaths = [...new Set(reports.flatMap((report) => Object.keys(report.testFiles ?? {})))].sort()
const newIds = new Map<string, string>()
for (const path of testFilePaths) {
  const holders = reports.flatMap((report, index) => (report.testFiles?.[path] ? [index] : []))
  const chosen = reports[pick(holders, (index) => reports[index]!.testFiles![path]!.source, path)]!.testFiles![path]!
  merged.testFiles![path] = {
    ...chosen,
    tests: chosen.tests.map((test) => {
      const id = String(newIds.size)
      newIds.set(testKey(path, test.name), id)
      return { ...test, id }
    }),
  }
}

const sourcePaths = [...new Set(reports.flatMap((report) => Object.keys(report.files)))].sort()
const dropped: string[] = []
for (const path of sourcePaths) {
  const holders = reports.flatMap((report, index) => (report.files[path] ? [index] : []))
  const index = pick(holders, (i) => reports[i]!.files[path]!.source, path)
  const oldIds = new Map<string, string>()
  for (const [file, testFile] of Object.entries(reports[index]!.testFiles ?? {})) {
    for (const test of testFile.tests) oldIds.set(test.id, testKey(file, test.name))
  }
  // A test the chosen report ran may be absent from the merged set (its file's other version
  // was kept and no longer has it): the mutant then simply names fewer tests.
  const remap = (ids: string[] | undefined) =>
    ids?.flatMap((id) => {
      const renumbered = newIds.get(oldIds.get(id) ?? '')
      return renumbered === undefined ? [] : [renumbered]
    })
  const file = reports[index]!.files[path]!
  merged.files[path] = {
    ...file,
    mutants: file.mutants.map((mutant) => {
      const next: Mutant = { ...mutant }
      if (mutant.coveredBy) next.coveredBy = remap(mutant.coveredBy)
      if (mutant.killedBy) next.killedBy = remap(mutant.killedBy)
      return next
    }),
  }
  if (file.source !== onDisk(path)) dropped.push(path)
}

writeFileSync(baselinePath, `${JSON.stringify(merged, null, 2)}\n`)
console.log(`mutation merge: ${sourcePaths.length} files, ${newIds.size} tests into mutation/stryker-incremental.json`)
if (dropped.length > 0) console.log(`mutation merge: no version matches the working tree for ${dropped.join(', ')}`)
