import { api, describe, onSubmit, show } from './common.js'
import { h, newId, time } from './admin-dom.js'

// The ban panel: the user's ban (`GET /users/{id}/ban`), a form to ban with a reason and an
// optional end (`PUT`), and a button to lift it (`DELETE`). A ban deactivates the user, and
// lifting it restores the former activity, so both reload the user's status.

export const banPanel = {
  feature: 'ban',
  title: 'Ban',
  create(body, host) {
    const state = h('p', { class: 'ban-state' })
    const reasonId = newId('ban-reason')
    const untilId = newId('ban-until')
    const untilHint = newId('ban-until-hint')
    // Checked by the script rather than `required`, so that the refusal is read out with the others.
    const reason = h('input', { id: reasonId, name: 'reason', 'aria-required': 'true', maxlength: 500, autocomplete: 'off' })
    const until = h('input', { id: untilId, name: 'until', type: 'datetime-local', 'aria-describedby': untilHint })
    const form = h(
      'form',
      { novalidate: true },
      h('label', { for: reasonId }, 'Reason'),
      reason,
      h('label', { for: untilId }, 'Ends'),
      until,
      h('p', { id: untilHint, class: 'hint' }, 'In your local time. Empty: until the ban is lifted.'),
      h('button', { type: 'submit', class: 'danger' }, 'Ban this user'),
    )
    const lift = h('button', { type: 'button', class: 'quiet' }, 'Lift the ban')
    body.append(state, form, lift)
    let user = null

    function render(ban) {
      if (!ban.banned) {
        state.replaceChildren(ban.reason === null ? 'Not banned.' : 'Not banned (an earlier ban has expired).')
      } else {
        state.replaceChildren(
          'Banned since ', time(ban.banned_at),
          ban.expires_at === null ? ', until lifted' : h('span', {}, ', until ', time(ban.expires_at)),
          `. Reason: ${ban.reason}`,
        )
      }
      lift.hidden = ban.reason === null
    }

    onSubmit(form, async (values) => {
      const request = { reason: values.reason.trim() }
      if (request.reason === '') {
        reason.focus()
        return show('Give a reason for the ban.', 'error')
      }
      if (values.until !== '') {
        const end = new Date(values.until)
        if (!(end.getTime() > Date.now())) {
          until.focus()
          return show('The end of the ban must be in the future.', 'error')
        }
        request.expires_at = end.toISOString()
      }
      const banned = await api('PUT', `/users/${encodeURIComponent(user.id)}/ban`, request)
      if (!banned.ok) return show(describe(banned.status, banned.body), 'error')
      form.reset()
      await host.reload()
      show(`Banned ${user.email}.`)
    })

    lift.addEventListener('click', async () => {
      const lifted = await api('DELETE', `/users/${encodeURIComponent(user.id)}/ban`)
      if (!lifted.ok && lifted.status !== 404) return show(describe(lifted.status, lifted.body), 'error')
      await host.reload()
      // The button may be gone now: the panel's form keeps the focus in the panel.
      reason.focus()
      show(`Lifted the ban on ${user.email}.`)
    })

    return {
      async open(opened) {
        user = opened
        const answer = await api('GET', `/users/${encodeURIComponent(opened.id)}/ban`)
        if (!answer.ok) return show(describe(answer.status, answer.body), 'error')
        render(answer.body)
      },
    }
  },
}
