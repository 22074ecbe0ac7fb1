// Logs in every user of ../shared/fixtures/fastapi-users-mixed.json against a server started
// on a copy of the fixture database, then checks that every bcrypt and old-parameter argon2id
// hash was replaced by a current argon2id hash and that the new hashes log in too. The NFD
// spelling of a non-ASCII password logs in as well (fastify-users normalises passwords to NFKC).
// Usage: BASE_URL=http://127.0.0.1:PORT node .ci/fixture-logins.mjs <fixture.json> <copy.db>
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import Database from 'better-sqlite3'

const [jsonPath, dbPath] = process.argv.slice(2)
const base = process.env.BASE_URL
const fixture = JSON.parse(readFileSync(jsonPath, 'utf8'))
const CURRENT = '$argon2id$v=19$m=19456,t=2,p=1$'

async function login(username, password) {
  const res = await fetch(`${base}/auth/jwt/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  })
  return { status: res.status, body: await res.json() }
}

let passed = 0
let failed = 0
async function check(name, fn) {
  try {
    await fn()
    passed++
    console.log(`ok - ${name}`)
  } catch (error) {
    failed++
    console.log(`not ok - ${name}\n  ${String(error.message).replaceAll('\n', '\n  ')}`)
  }
}

for (const user of fixture.users) {
  await check(`${user.email}: ${user.expected_login}`, async () => {
    if (user.password_nfd_rejected) {
      // FastAPI Users refuses the NFD spelling; fastify-users normalises (deliberate difference 12).
      const nfd = await login(user.email, user.password.normalize('NFD'))
      assert.equal(nfd.status, user.is_active ? 200 : 400, 'the NFD spelling logs in too')
    }
    const res = await login(user.email.toLowerCase() === user.email ? user.email : user.email.toLowerCase(), user.password)
    if (user.is_active) {
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.body.token_type, 'bearer')
      const me = await fetch(`${base}/users/me`, { headers: { authorization: `Bearer ${res.body.access_token}` } })
      assert.equal((await me.json()).id, user.id)
    } else {
      assert.deepEqual(res, { status: 400, body: { detail: 'LOGIN_BAD_CREDENTIALS' } })
    }
  })
}

const db = new Database(dbPath, { readonly: true })
for (const user of fixture.users) {
  await check(`${user.email}: hash replaced by a current argon2id hash`, async () => {
    const row = db.prepare('SELECT hashed_password FROM user WHERE id = ?').get(user.id)
    assert.ok(row.hashed_password.startsWith(CURRENT), row.hashed_password.slice(0, 40))
  })
  if (user.is_active) {
    await check(`${user.email}: logs in with the new hash`, async () => {
      assert.equal((await login(user.email, user.password)).status, 200)
    })
  }
}
db.close()

console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
