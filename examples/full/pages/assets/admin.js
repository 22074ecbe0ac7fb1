import { api, describe, onSubmit, show } from './common.js'
import { createUserList } from './admin-list.js'
import { createUserView } from './admin-user.js'
import { rolesPanel } from './admin-roles.js'
import { banPanel } from './admin-ban.js'
import { sessionsPanel } from './admin-sessions.js'
import { eventsPanel } from './admin-events.js'

// The admin console of superusers, on the library's routes: the users list and search
// (`GET /users`), a user by id, and the opened user's status, panels and deletion. The server
// checks every call; hiding the console from others is only a courtesy.
//
// The opened user shows one panel per optional feature of the server. A panel is a module that
// exports `{ feature, title, create(body, host) }`: `create` fills `body` (the panel's section,
// under a heading of its title) and returns `{ open(user) }`, called whenever a user is opened
// or reloaded; `host` offers `roles` (the configured role names) and `reload()` (fetches the
// user again, after a change to its status). A panel shows only when `GET /admin/features`
// lists its `feature`, that is when its route exists: adding one is a module, a line below,
// and the route's probe in examples/full/admin-features.ts.
const PANELS = [rolesPanel, banPanel, sessionsPanel, eventsPanel]

const me = await api('GET', '/users/me')
if (me.status === 401) location.replace('/login')
else if (!me.ok) show(describe(me.status, me.body), 'error')
else if (!me.body.is_superuser) show('Only superusers can use the admin console.', 'error')
else await start()

async function start() {
  const answer = await api('GET', '/admin/features')
  if (!answer.ok) return show(describe(answer.status, answer.body), 'error')
  const { features, roles } = answer.body
  const listing = document.getElementById('users')
  const byId = document.getElementById('open')
  let list = null

  /** The list and the open-by-id form, or the opened user: one at a time. */
  function showLists(visible) {
    listing.hidden = !visible || list === null
    byId.hidden = !visible
  }

  const view = createUserView({
    panels: PANELS.filter((panel) => features.includes(panel.feature)),
    roles,
    onChange: () => list?.refresh(),
    onClose: (user, deleted, opener) => {
      showLists(true)
      // Back to the button that opened the user, or to the search when it is gone.
      const back = deleted || user === null ? null : (list?.buttonOf(user.id) ?? (opener?.isConnected ? opener : null))
      ;(back ?? document.getElementById(list === null ? 'user-id' : 'search-email')).focus()
    },
  })

  async function open(id, opener) {
    if (await view.open(id, opener)) showLists(false)
  }

  if (features.includes('list')) {
    list = createUserList({ onOpen: open, roles: features.includes('roles') ? roles : [], usernames: features.includes('usernames') })
    list.start()
  }
  showLists(true)
  onSubmit(document.getElementById('open-form'), ({ id }) => open(id.trim(), null))
}
