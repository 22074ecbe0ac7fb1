/**
 * Type-checks every ```ts block of README.md and docs/ against the package (`npm run
 * check:docs`, in `npm test`), so that a snippet cannot drift from the API it shows. Each block
 * becomes a module of .cache/doc-blocks named after its file and line, compiled with the
 * project's compiler options; the names a snippet uses without defining them (an `app`, a
 * `bearer` backend, a `SECRET`…) are declared once in docs/snippet-globals.d.ts. A block that
 * cannot stand as a module (a field list, a fragment of a call) is fenced ```ts fragment and
 * skipped. A block that augments a module (`declare module 'fastify-users'`, as an application
 * types its user) is compiled in a program of its own, where its augmentation stays.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const out = join(root, '.cache/doc-blocks')

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? markdownFiles(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : [],
  )
}

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
/** Each module's markdown file and the line of its first code line. */
const origins = new Map<string, { file: string; line: number }>()
for (const file of [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))]) {
  const lines = readFileSync(file, 'utf8').split('\n')
  for (let start = 0; start < lines.length; start++) {
    const fence = /^(\s*)```ts\s*$/.exec(lines[start] ?? '')
    if (!fence) continue
    const indent = fence[1]?.length ?? 0
    let end = start + 1
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end] ?? '')) end++
    const body = lines.slice(start + 1, end).map((line) => line.slice(indent))
    const name = `block-${origins.size}.ts`
    origins.set(name, { file: relative(root, file), line: start + 2 })
    // `export {}` makes every block a module, whose names do not clash with the other blocks'.
    writeFileSync(join(out, name), `${body.join('\n')}\nexport {}\n`)
    start = end
  }
}
const groups = [[...origins.keys()].filter((name) => !augments(name))]
for (const name of origins.keys()) if (augments(name)) groups.push([name])
const results = await Promise.all(groups.map((files, index) => compile(files, index)))
const failures = results.filter((output) => output !== null)
if (failures.length > 0) {
  // Points each error at the markdown file and line it comes from.
  console.error(
    failures.join('\n').replace(/\.cache\/doc-blocks\/(block-\d+\.ts)\((\d+),(\d+)\)/g, (match, name: string, line: string, column: string) => {
      const origin = origins.get(name)
      return origin ? `${origin.file}:${origin.line + Number(line) - 1}:${column}` : match
    }),
  )
  process.exit(1)
}
console.log(`${origins.size} TypeScript blocks of README.md and docs/ compile`)

function augments(name: string): boolean {
  return /^declare module /m.test(readFileSync(join(out, name), 'utf8'))
}

/** Compiles some of the blocks together; the compiler's output when they fail, else `null`. */
async function compile(files: string[], index: number): Promise<string | null> {
  const config = join(out, `tsconfig.${index}.json`)
  writeFileSync(
    config,
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: { noUnusedLocals: false, noUnusedParameters: false, incremental: true, tsBuildInfoFile: `../doc-blocks-${index}.tsbuildinfo` },
      files: [...files, '../../docs/snippet-globals.d.ts'],
      include: [],
      exclude: [],
    }),
  )
  try {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: root })
    return null
  } catch (error) {
    return String((error as { stdout?: string }).stdout || error)
  }
}
