/**
 * The incremental mutation check of CI (docs/mutation.md): finds the files of the security
 * core whose source differs from the committed baseline (mutation/stryker-incremental.json,
 * which holds each measured file's source), runs Stryker on those files only, reusing every
 * result the baseline still vouches for, and fails when a changed file scores below its
 * baseline score. A file the baseline has not measured yet is only named. With no changed
 * file it runs nothing.
 *
 * `--update` writes the new results into the baseline instead of judging them: commit it.
 * Files named on the command line (`--update src/tokens.ts`) are run as well, measured or not:
 * the way to add a file to the baseline without Stryker overwriting the other files' results.
 * MUTATION_CHECK_MINUTES (default 20) bounds the Stryker run.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

interface MutantResult {
  status: string
}
interface Report {
  files: Record<string, { source: string; mutants: MutantResult[] }>
  testFiles?: Record<string, unknown>
}

const root = resolve(import.meta.dirname, '..')
const baselinePath = join(root, 'mutation/stryker-incremental.json')
const update = process.argv.includes('--update')
const named = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))

/** Killed (or timed out) among the mutants a test could reach or miss; equivalents marked ignored. */
function score(mutants: MutantResult[]): number | null {
  const detected = mutants.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length
  const undetected = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').length
  return detected + undetected === 0 ? null : (100 * detected) / (detected + undetected)
}

/** The config's patterns are files or `folder/**\/*.ts` (Node 20 has no fs.globSync). */
function expand(pattern: string): string[] {
  if (!pattern.endsWith('/**/*.ts')) return [pattern]
  const folder = pattern.slice(0, -'/**/*.ts'.length)
  return (readdirSync(join(root, folder), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${folder}/${name}`)
}

const config = (await import(join(root, 'stryker.config.mjs'))) as { default: { mutate: string[] } }
const core = [...new Set(config.default.mutate.flatMap(expand))].sort()
const baseline: Report = existsSync(baselinePath) ? JSON.parse(readFileSync(baselinePath, 'utf8')) : { files: {} }
// Files the baseline has not measured yet are only named: measuring one takes a full run
// (`npm run mutation -- --mutate <file>`, then `--update` here), too long for every CI run.
const unmeasured = core.filter((file) => !baseline.files[file])
if (unmeasured.length > 0) console.log(`mutation check: not in the baseline yet: ${unmeasured.join(', ')}`)
const outside = named.filter((file) => !core.includes(file))
if (outside.length > 0) {
  console.error(`mutation check: not in stryker.config.mjs's mutate list: ${outside.join(', ')}`)
  process.exit(1)
}
const changed = core.filter(
  (file) => named.includes(file) || (baseline.files[file] && baseline.files[file].source !== readFileSync(join(root, file), 'utf8')),
)

if (changed.length === 0) {
  console.log('mutation check: no measured file of the security core differs from the baseline')
  process.exit(0)
}
console.log(`mutation check: ${changed.length} file(s) to run, changed or named: ${changed.join(', ')}`)

// Stryker rewrites its incremental file with the files of this run only: it works on a copy.
const work = mkdtempSync(join(tmpdir(), 'fastify-users-mutation-'))
const incremental = join(work, 'incremental.json')
if (existsSync(baselinePath)) copyFileSync(baselinePath, incremental)
// CI has 90 minutes for everything: a change that makes Stryker re-test a whole file can take
// half an hour on two cores, so the check has a budget, and past it fails with what to do.
const budgetMinutes = Number(process.env['MUTATION_CHECK_MINUTES'] ?? 20)
try {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', '--mutate', changed.join(','), '--incrementalFile', incremental],
    { cwd: root, stdio: 'inherit', timeout: budgetMinutes * 60_000 },
  )
} catch (error) {
  rmSync(work, { recursive: true, force: true })
  if ((error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw error
  console.error(
    `mutation check: over its ${budgetMinutes}-minute budget; run \`npx tsx scripts/mutation-check.ts --update\` ` +
      'on a developer machine and commit mutation/stryker-incremental.json',
  )
  process.exit(1)
}
const result: Report = JSON.parse(readFileSync(incremental, 'utf8'))
rmSync(work, { recursive: true, force: true })

let failed = false
for (const file of changed) {
  const now = score(result.files[file]?.mutants ?? [])
  const before = baseline.files[file] ? score(baseline.files[file].mutants) : null
  const shown = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(1)} %`)
  const verdict = before === null || (now !== null && now + 1e-9 >= before) ? 'ok' : 'BELOW BASELINE'
  if (verdict === 'BELOW BASELINE' && !update) failed = true
  console.log(`  ${file}: ${shown(now)} (baseline ${shown(before)}) ${verdict}`)
}

if (update) {
  // Stryker carries every file of its incremental file into its report, renumbering the tests:
  // the report's files and tests go together, so all of them replace the baseline's (keeping
  // only one side's files would leave their `killedBy` pointing at the other side's test ids).
  const dropped = Object.keys(baseline.files).filter((file) => !result.files[file])
  if (dropped.length > 0) {
    console.error(`mutation check: Stryker's report lacks ${dropped.join(', ')}; baseline left unchanged`)
    process.exit(1)
  }
  baseline.files = result.files
  baseline.testFiles = result.testFiles
  writeFileSync(baselinePath, `${JSON.stringify(baseline, null, 2)}\n`)
  console.log('mutation check: baseline updated, commit mutation/stryker-incremental.json')
}
process.exit(failed ? 1 : 0)
