import { api, describe, onSubmit, show } from './common.js'
import { createPasskey, passkeysSupported } from './passkeys.js'

async function load() {
  const me = await api('GET', '/users/me')
  if (me.status === 401) {
    // An OAuth login of a user with two-factor on lands here with its challenge in the fragment
    // (which no server sees) and no cookie: the login page asks for the code.
    if (new URLSearchParams(location.hash.slice(1)).has('two_factor_challenge')) {
      location.replace(`/login${location.hash}`)
      return null
    }
    // An OAuth callback that was refused lands here with ?error=; the login page tells why.
    const error = new URLSearchParams(location.search).get('error')
    location.replace(error ? `/login?error=${encodeURIComponent(error)}` : '/login')
    return null
  }
  if (!me.ok) {
    show(describe(me.status, me.body), 'error')
    return null
  }
  render(me.body)
  return me.body
}

function render(user) {
  document.getElementById('current-email').textContent = user.email
  document.getElementById('verified-state').textContent = user.is_verified ? 'Your email is verified.' : 'Your email is not verified yet.'
  document.getElementById('send-verification').hidden = user.is_verified
  document.getElementById('who').hidden = false
}

let user = await load()

document.getElementById('send-verification').addEventListener('click', async () => {
  const sent = await api('POST', '/auth/request-verify-token', { email: user.email })
  if (!sent.ok) return show(describe(sent.status, sent.body), 'error')
  show(`A verification link is on its way to ${user.email}.`)
})

const emailForm = document.getElementById('email-form')
onSubmit(emailForm, async (changes) => {
  const updated = await api('PATCH', '/users/me', changes)
  if (!updated.ok) return show(describe(updated.status, updated.body), 'error')
  user = updated.body
  render(user)
  emailForm.reset()
  // With verified email changes the server keeps the address until the mailed link is opened.
  if (user.email.toLowerCase() !== changes.email.trim().toLowerCase()) {
    return show(`A confirmation link is on its way to ${changes.email}. Your email changes when you open it.`)
  }
  show(`Your email is now ${user.email}.`)
})

const passwordForm = document.getElementById('password-form')
onSubmit(passwordForm, async (changes) => {
  const updated = await api('PATCH', '/users/me', changes)
  if (!updated.ok) return show(describe(updated.status, updated.body), 'error')
  passwordForm.reset()
  show('Your password is changed.')
})

for (const [id, path] of [['logout', '/auth/cookie/logout'], ['logout-all', '/auth/cookie/logout-all']]) {
  document.getElementById(id).addEventListener('click', async () => {
    const done = await api('POST', path)
    if (!done.ok && done.status !== 401) return show(describe(done.status, done.body), 'error')
    location.assign('/login')
  })
}

const passkeyList = document.getElementById('passkey-list')
const passkeyForm = document.getElementById('passkey-form')
const dateTime = (iso) => new Date(iso).toLocaleString()

async function loadPasskeys() {
  const listed = await api('GET', '/users/me/passkeys')
  if (!listed.ok) return show(describe(listed.status, listed.body), 'error')
  const items = listed.body.map((passkey) => {
    const item = document.createElement('li')
    const name = document.createElement('strong')
    name.textContent = passkey.name
    const when = document.createElement('span')
    when.className = 'hint'
    when.textContent = ` added ${dateTime(passkey.created_at)}${passkey.last_used_at ? `, last used ${dateTime(passkey.last_used_at)}` : ', never used'} `
    const remove = document.createElement('button')
    remove.type = 'button'
    remove.className = 'link'
    remove.textContent = `Delete ${passkey.name}`
    remove.addEventListener('click', async () => {
      const deleted = await api('DELETE', `/users/me/passkeys/${encodeURIComponent(passkey.id)}`)
      if (!deleted.ok) return show(describe(deleted.status, deleted.body), 'error')
      show(`The passkey ${passkey.name} is deleted.`)
      await loadPasskeys()
    })
    item.append(name, when, remove)
    return item
  })
  passkeyList.replaceChildren(...items)
  if (items.length === 0) {
    const none = document.createElement('li')
    none.textContent = 'No passkey yet.'
    passkeyList.append(none)
  }
}

if (passkeyList && user !== null) {
  if (!passkeysSupported) passkeyForm.hidden = true
  await loadPasskeys()
  onSubmit(passkeyForm, async ({ name }) => {
    const options = await api('POST', '/auth/passkey/register/options')
    if (!options.ok) return show(describe(options.status, options.body), 'error')
    const credential = await createPasskey(options.body.public_key)
    if (credential === null) return show('No passkey was created.', 'error')
    const body = { challenge_token: options.body.challenge_token, credential, ...(name ? { name } : {}) }
    const created = await api('POST', '/auth/passkey/register', body)
    if (!created.ok) return show(describe(created.status, created.body), 'error')
    passkeyForm.reset()
    show(`The passkey ${created.body.name} is added.`)
    await loadPasskeys()
  })
}

const sessionList = document.getElementById('session-list')
const sessionRows = document.getElementById('session-rows')

/** "Chrome on Linux" from a User-Agent header, which in full says little to a person. */
function deviceName(userAgent) {
  if (!userAgent) return 'Unknown device'
  const browser = [['Edg/', 'Edge'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari']].find(([mark]) => userAgent.includes(mark))
  const system = [['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Windows', 'Windows'], ['Mac OS X', 'macOS'], ['Linux', 'Linux']].find(([mark]) => userAgent.includes(mark))
  if (!browser && !system) return userAgent.slice(0, 40)
  return [browser?.[1] ?? 'A browser', system?.[1]].filter(Boolean).join(' on ')
}

function cell(text) {
  const td = document.createElement('td')
  td.textContent = text
  return td
}

function sessionRow(session) {
  const row = document.createElement('tr')
  const device = cell(deviceName(session.user_agent))
  if (session.user_agent) device.title = session.user_agent
  if (session.current) {
    const mark = document.createElement('strong')
    mark.textContent = ' (this session)'
    device.append(mark)
  }
  const action = document.createElement('td')
  const end = document.createElement('button')
  end.type = 'button'
  end.className = 'secondary'
  end.textContent = 'End'
  end.setAttribute('aria-label', `End the session on ${deviceName(session.user_agent)}${session.current ? ' (this session)' : ''}, signed in ${dateTime(session.created_at)}`)
  end.addEventListener('click', async () => {
    end.disabled = true
    const ended = await api('DELETE', `/users/me/sessions/${encodeURIComponent(session.id)}`)
    if (session.current && (ended.ok || ended.status === 401)) return location.assign('/login')
    if (!ended.ok && ended.status !== 404) {
      end.disabled = false
      return show(describe(ended.status, ended.body), 'error')
    }
    show(`The session on ${deviceName(session.user_agent)} is ended.`)
    await loadSessions()
  })
  action.append(end)
  row.append(device, cell(session.client_address ?? 'Unknown'), cell(dateTime(session.created_at)), cell(dateTime(session.last_used_at)), action)
  return row
}

/**
 * The list appears only where the server lists sessions: a server without the sessions
 * feature answers 404, and the section then keeps only its log-out buttons.
 */
async function loadSessions() {
  const listed = await api('GET', '/users/me/sessions')
  if (listed.status === 404) return
  if (!listed.ok) return show(describe(listed.status, listed.body), 'error')
  sessionRows.replaceChildren(...listed.body.items.map(sessionRow))
  document.getElementById('session-table').hidden = listed.body.items.length === 0
  document.getElementById('no-sessions').hidden = listed.body.items.length > 0
  sessionList.hidden = false
}

if (user !== null) await loadSessions()
