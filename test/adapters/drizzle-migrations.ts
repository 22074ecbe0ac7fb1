/**
 * drizzle-kit migration folders cut short, to bring a database to the layout an earlier
 * version of the example had, fill it as that version would, and then migrate the rest.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface MigrationsCopy {
  folder: string
  remove(): Promise<void>
}

/** A copy of `folder` whose journal ends before the migration tagged `tag`. */
export async function migrationsBefore(folder: string, tag: string): Promise<MigrationsCopy> {
  const copy = await mkdtemp(join(tmpdir(), 'fastify-users-migrations-'))
  await cp(folder, copy, { recursive: true })
  const journalPath = join(copy, 'meta', '_journal.json')
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: Array<{ tag: string }> }
  const end = journal.entries.findIndex((entry) => entry.tag === tag)
  if (end < 0) throw new Error(`no migration ${tag} in ${folder}`)
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, end) }))
  return { folder: copy, remove: () => rm(copy, { recursive: true, force: true }) }
}
