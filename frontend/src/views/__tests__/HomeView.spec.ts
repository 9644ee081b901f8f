import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeServer, liWei, meiluoCommittee, mountAt, wangFang, sessionOf } from '../../../tests/helpers'
import type { Me } from '../../types'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

async function home(me: Me) {
  fakeServer({
    'GET /api/auth/session': sessionOf(me),
    'GET /api/chat/settings': { status: 200, body: { refuse_strangers: false, hide_presence: false } },
  })
  return (await mountAt('/', me)).wrapper
}

describe('HomeView', () => {
  it('lists my estates with community and street, and no review link for a resident', async () => {
    const wrapper = await home(wangFang())

    const estate = byTestId(wrapper, 'membership-100')
    expect(estate.text()).toContain('美罗家园')
    expect(estate.text()).toContain('美罗家园第一居委会 · 罗店镇')
    expect(byTestId(wrapper, 'home-memberships').findAll('li')).toHaveLength(1)
    expect(byTestId(wrapper, 'home-review-link').exists()).toBe(false)
    expect(byTestId(wrapper, 'home-no-membership').exists()).toBe(false)
  })

  it('tells a resident without an estate to scan its QR code', async () => {
    const wrapper = await home(wangFang({ memberships: [] }))

    expect(byTestId(wrapper, 'home-memberships').exists()).toBe(false)
    expect(byTestId(wrapper, 'home-no-membership').text()).toContain('二维码')
  })

  it('shows roles, the party badge of a member who shows identity, and the review link', async () => {
    const me = liWei()
    me.roles.push({
      id: 22,
      kind: 'party_member',
      kind_label: '党员',
      place: meiluoCommittee,
      show_identity: true,
    })
    const wrapper = await home(me)

    expect(byTestId(wrapper, 'role-21').text()).toContain('居委委员')
    expect(byTestId(wrapper, 'role-21').text()).toContain('美罗家园第一居委会')
    expect(byTestId(wrapper, 'party-badge').exists()).toBe(true)
    expect(byTestId(wrapper, 'home-review-link').exists()).toBe(true)
  })

  it('shows no party badge when the member keeps identity hidden', async () => {
    const wrapper = await home(
      wangFang({
        roles: [{ id: 23, kind: 'party_member', kind_label: '党员', place: meiluoCommittee, show_identity: false }],
      }),
    )

    expect(byTestId(wrapper, 'party-badge').exists()).toBe(false)
  })

  it('links to chat and letters', async () => {
    const wrapper = await home(wangFang())

    expect(byTestId(wrapper, 'home-chat-link').exists()).toBe(true)
    expect(byTestId(wrapper, 'home-letters-link').exists()).toBe(true)
  })

  it('saves the chat privacy settings as they are switched', async () => {
    const server = fakeServer({
      'GET /api/auth/session': sessionOf(wangFang()),
      'GET /api/chat/settings': { status: 200, body: { refuse_strangers: false, hide_presence: true } },
      'POST /api/chat/settings': (request) => ({
        status: 200,
        body: { refuse_strangers: false, hide_presence: true, ...(request.body as object) },
      }),
    })
    const { wrapper } = await mountAt('/', wangFang())
    await flushPromises()

    const refuse = byTestId(wrapper, 'settings-refuse-strangers')
    const hide = byTestId(wrapper, 'settings-hide-presence')
    expect((refuse.element as HTMLInputElement).checked).toBe(false)
    expect((hide.element as HTMLInputElement).checked).toBe(true)
    expect(wrapper.find(`label[for="${refuse.attributes('id')}"]`).text()).toBe('谢绝陌生人敲门')

    await refuse.setValue(true)
    await flushPromises()
    expect(server.calls('POST', '/api/chat/settings')[0]?.body).toEqual({ refuse_strangers: true })
    expect((refuse.element as HTMLInputElement).checked).toBe(true)
  })

  it('switches a setting back when saving fails', async () => {
    fakeServer({
      'GET /api/auth/session': sessionOf(wangFang()),
      'GET /api/chat/settings': { status: 200, body: { refuse_strangers: false, hide_presence: false } },
      'POST /api/chat/settings': { status: 500, body: { detail: '服务器出错了', code: 'internal' } },
    })
    const { wrapper } = await mountAt('/', wangFang())
    await flushPromises()

    const hide = byTestId(wrapper, 'settings-hide-presence')
    await hide.setValue(true)
    await flushPromises()
    expect((hide.element as HTMLInputElement).checked).toBe(false)
  })
})
