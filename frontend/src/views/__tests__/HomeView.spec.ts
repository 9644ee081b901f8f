import { describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { fakeServer, liWei, meiluoCommittee, mountAt, wangFang } from '../../../tests/helpers'
import type { Me } from '../../types'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

async function home(me: Me) {
  fakeServer({ 'GET /api/me': { status: 200, body: me } })
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
})
