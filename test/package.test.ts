/**
 * The published package as a user gets it: `npm pack` (which builds, through `prepare`), the
 * tarball unpacked into a fresh application that has only `fastify` and `pg` besides it (and
 * `drizzle-orm`, to show that the Drizzle subpath on PostgreSQL needs no better-sqlite3), the
 * application type-checked with `tsc --strict` (no `skipLibCheck`, no `@types/pg`), run against
 * PostgreSQL, and the CLI run from the package. The other drivers are absent, so this also
 * shows that they are optional.
 *
 * Offline and fast: instead of `npm install`, which would need the registry, the application's
 * `node_modules` links `fastify`, `pg`, `@types/node` and the package's own dependencies to this
 * checkout's (and copies drizzle-orm). A linked package resolves its imports from where it really lives, and the
 * unpacked fastify-users from the application's `node_modules`, where no other driver is.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../src/db/kysely/migrate.ts'
import { requirePostgres, scratchPostgresSchema, type ScratchDatabase } from './support/services.ts'

const run = promisify(execFile)
const repoModules = realpathSync(resolve('node_modules'))

const APP = `
import Fastify from 'fastify'
import { AuthenticationBackend, BearerTransport, JwtStrategy, fastifyUsers, type UserRecord } from 'fastify-users'
import { postgresUserDatabase } from 'fastify-users/kysely'

const store = await postgresUserDatabase({ connectionString: process.argv[2]!, pool: { max: 2 } })
const secret = 'a-package-test-secret-of-32-characters!'
const backend = new AuthenticationBackend({
  name: 'jwt',
  transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
  strategy: new JwtStrategy({ secret, lifetimeSeconds: 3600 }),
})
const users = fastifyUsers({
  db: store.users,
  backends: [backend],
  manager: { resetPasswordTokenSecret: secret, verificationTokenSecret: secret },
})
const app = Fastify()
await app.register(users.authRoutes(backend), { prefix: '/auth/jwt' })
await app.register(users.registerRoutes(), { prefix: '/auth' })
await app.register(users.usersRoutes(), { prefix: '/users' })

const registered = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'king.arthur@camelot.bt', password: 'guinevere-forever' } })
const login = await app.inject({
  method: 'POST',
  url: '/auth/jwt/login',
  payload: 'username=king.arthur@camelot.bt&password=guinevere-forever',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
})
const token: string = login.json().access_token
const me = await app.inject({ method: 'GET', url: '/users/me', headers: { authorization: 'Bearer ' + token } })
const stored: UserRecord | null = await store.users.getByEmail('king.arthur@camelot.bt')
console.log(JSON.stringify({
  registered: registered.statusCode,
  login: login.statusCode,
  me: me.json().email,
  stored: stored?.is_active,
}))
await app.close()
await store.destroy()
`

/** Run, not type-checked: drizzle-orm's own declarations need skipLibCheck. */
const DRIZZLE = `
import { pgUserColumns, pgUserIndexes } from 'fastify-users/drizzle'
import { pgTable, text } from 'drizzle-orm/pg-core'
const user = pgTable('user', { ...pgUserColumns(), nickname: text('nickname') }, pgUserIndexes)
console.log(Object.keys(user).includes('nickname'))
`

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
  },
  files: ['app.ts'],
}

function link(modules: string, name: string): void {
  const target = join(modules, name)
  mkdirSync(dirname(target), { recursive: true })
  symlinkSync(join(repoModules, name), target, 'dir')
}

describe('the packed package in a PostgreSQL application', () => {
  const work = mkdtempSync(join(tmpdir(), 'fu-package-'))
  const app = join(work, 'app')
  const modules = join(app, 'node_modules')
  let files: string[] = []

  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { maxBuffer: 16 * 1024 * 1024 })
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[]
    files = packed!.files.map((file) => file.path)
    const unpacked = join(modules, 'fastify-users')
    mkdirSync(unpacked, { recursive: true })
    await run('tar', ['-xzf', join(work, packed!.filename), '-C', unpacked, '--strip-components=1'])
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    for (const name of ['fastify', 'pg', '@types/node', ...Object.keys(manifest.dependencies)]) link(modules, name)
    // Copied, not linked: a link would resolve drizzle-orm's own imports (better-sqlite3 among
    // them) from this checkout, where every driver is installed. It has no dependencies.
    cpSync(join(repoModules, 'drizzle-orm'), join(modules, 'drizzle-orm'), { recursive: true })
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pg-app', private: true, type: 'module' }))
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG))
    writeFileSync(join(app, 'app.ts'), APP)
    writeFileSync(join(app, 'drizzle.js'), DRIZZLE)
  }, 240_000)

  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('ships the build, the licence and the notice, and no sources or tests', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'NOTICE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']))
    expect(files.filter((file) => !file.startsWith('dist/') && !['LICENSE', 'NOTICE', 'README.md', 'package.json'].includes(file))).toEqual([])
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([])
  })

  it('loads the Drizzle subpath without better-sqlite3', async () => {
    const { stdout } = await run(process.execPath, [join(app, 'drizzle.js')], { cwd: app })
    expect(stdout).toBe('true\n')
  })

  it('type-checks under --strict without skipLibCheck or @types/pg', async () => {
    const tsc = join(repoModules, 'typescript', 'bin', 'tsc')
    const result = await run(process.execPath, [tsc, '-p', app]).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    )
    expect(result).toBe('')
  }, 300_000)

  describe('with PostgreSQL', () => {
    let scratch: ScratchDatabase | null = null
    beforeAll(async () => {
      const url = await requirePostgres()
      if (url !== null) scratch = await scratchPostgresSchema(url)
    })
    afterAll(() => scratch?.drop())

    it('runs: registers, logs in and reads the user', async (context) => {
      if (scratch === null) return context.skip()
      const { stdout } = await run(process.execPath, [join(app, 'out', 'app.js'), scratch.url], { cwd: app })
      expect(JSON.parse(stdout)).toEqual({ registered: 201, login: 200, me: 'king.arthur@camelot.bt', stored: true })
    }, 60_000)

    it('its CLI migrates, and a driver that is not installed is one line', async (context) => {
      if (scratch === null) return context.skip()
      const cli = join(modules, 'fastify-users', 'dist', 'cli', 'main.js')
      const migrated = await run(process.execPath, [cli, 'migrate', '--database-url', scratch.url], { cwd: app })
      expect(migrated.stdout).toBe(`Nothing to do: the postgres database is up to date (version ${MIGRATIONS.at(-1)!.version}).\n`)
      const mongo = await run(process.execPath, [cli, 'migrate', '--database-url', 'mongodb://127.0.0.1:1/app'], { cwd: app }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      )
      expect(mongo).toMatchObject({
        code: 1,
        stderr: 'fastify-users: A mongodb:// URL needs the package "mongodb", which is not installed: npm install mongodb\n',
      })
    }, 60_000)
  })
})
