import { api, describe, onSubmit, show } from './common.js'
import { h, newId } from './admin-dom.js'

// The roles panel: a checkbox per configured role, read with `GET /users/{id}/roles` and saved
// with `PUT /users/{id}/roles`, which replaces them all.

export const rolesPanel = {
  feature: 'roles',
  title: 'Roles',
  create(body, host) {
    const boxes = host.roles.map((role) => {
      const id = newId('role')
      return { role, input: h('input', { type: 'checkbox', id, name: role }), id }
    })
    const form = h(
      'form',
      { novalidate: true },
      h('fieldset', {}, h('legend', {}, 'Roles this user holds'), ...boxes.map(({ role, input }) => h('label', { class: 'check' }, input, ` ${role}`))),
      h('button', { type: 'submit' }, 'Save roles'),
    )
    body.append(form)
    let user = null

    onSubmit(form, async () => {
      const roles = boxes.filter(({ input }) => input.checked).map(({ role }) => role)
      const saved = await api('PUT', `/users/${encodeURIComponent(user.id)}/roles`, { roles })
      if (!saved.ok) return show(describe(saved.status, saved.body), 'error')
      check(saved.body.roles)
      show(saved.body.roles.length === 0 ? `${user.email} holds no role now.` : `${user.email} holds ${saved.body.roles.join(', ')}.`)
    })

    function check(held) {
      for (const { role, input } of boxes) input.checked = held.includes(role)
    }

    return {
      async open(opened) {
        user = opened
        const answer = await api('GET', `/users/${encodeURIComponent(opened.id)}/roles`)
        if (!answer.ok) return show(describe(answer.status, answer.body), 'error')
        check(answer.body.roles)
      },
    }
  },
}
