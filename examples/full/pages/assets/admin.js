import { api, describe, onSubmit, show } from './common.js'

// A first admin console on the routes the library has today: a superuser opens a user by id
// (GET /users/{id}), changes its status (PATCH /users/{id}) or deletes it (DELETE /users/{id}).
// The server checks every call; hiding the console from others is only a courtesy.
const FLAGS = ['is_active', 'is_verified', 'is_superuser']
let current = null

const me = await api('GET', '/users/me')
if (me.status === 401) location.replace('/login')
else if (!me.ok) show(describe(me.status, me.body), 'error')
else if (!me.body.is_superuser) show('Only superusers can use the admin console.', 'error')
else document.getElementById('console').hidden = false

const userForm = document.getElementById('user-form')

function render(user) {
  current = user
  document.getElementById('user-email').textContent = user.email
  for (const flag of FLAGS) userForm.elements[flag].checked = user[flag]
  document.getElementById('user').hidden = false
}

onSubmit(document.getElementById('open-form'), async ({ id }) => {
  document.getElementById('user').hidden = true
  const found = await api('GET', `/users/${encodeURIComponent(id.trim())}`)
  if (found.status === 404) return show('No user has this id.', 'error')
  if (!found.ok) return show(describe(found.status, found.body), 'error')
  render(found.body)
  show(`Opened ${found.body.email}.`)
})

onSubmit(userForm, async () => {
  const changes = Object.fromEntries(FLAGS.map((flag) => [flag, userForm.elements[flag].checked]))
  const saved = await api('PATCH', `/users/${encodeURIComponent(current.id)}`, changes)
  if (!saved.ok) return show(describe(saved.status, saved.body), 'error')
  render(saved.body)
  show(`Saved ${saved.body.email}.`)
})

document.getElementById('delete').addEventListener('click', async () => {
  if (!confirm(`Delete ${current.email}? This cannot be undone.`)) return
  const deleted = await api('DELETE', `/users/${encodeURIComponent(current.id)}`)
  if (!deleted.ok) return show(describe(deleted.status, deleted.body), 'error')
  document.getElementById('user').hidden = true
  show(`Deleted ${current.email}.`)
  current = null
})
