import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeServer, liWei, luodian, meiluoCommittee, meiluoEstate, mountAt, pendingApplication, place, wangFang, sessionOf } from '../../../tests/helpers'
import type { Me } from '../../types'

/** 乡愁乡音: villagers living elsewhere join their village without an address. */

const village = place(20, '聚源桥村', 'village', '村')
const villageEstate = place(200, '聚源桥一组', 'estate', '小区')
const district = place(1, '宝山区', 'district', '区')
const VILLAGE_INFO = { estate: villageEstate, community: village, street: luodian, district, living_away_allowed: true }
const COMMITTEE_INFO = {
  estate: meiluoEstate,
  community: meiluoCommittee,
  street: luodian,
  district,
  living_away_allowed: false,
}
const AWAY_APPLICATION = {
  ...pendingApplication(51, '陈阿婆', '13900000051'),
  estate: villageEstate,
  community: village,
  building: '',
  unit: '',
  room: '',
  living_away: true,
}

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

async function fill(wrapper: VueWrapper, values: Record<string, string>) {
  for (const [id, value] of Object.entries(values)) await byTestId(wrapper, id).setValue(value)
}

describe('joining while living elsewhere', () => {
  it('offers the switch only for a village estate', async () => {
    fakeServer({ 'GET /api/join/cmt': { status: 200, body: COMMITTEE_INFO } })
    const committee = (await mountAt('/join/cmt', null)).wrapper
    expect(byTestId(committee, 'join-living-away').exists()).toBe(false)
    expect(byTestId(committee, 'join-address').exists()).toBe(true)
    committee.unmount()

    fakeServer({ 'GET /api/join/vil': { status: 200, body: VILLAGE_INFO } })
    const { wrapper } = await mountAt('/join/vil', null)
    const toggle = byTestId(wrapper, 'join-living-away')
    expect(toggle.exists()).toBe(true)
    expect(toggle.attributes('role')).toBe('switch')
    expect(wrapper.text()).toContain('我在外地居住（乡愁乡音）')
    expect(byTestId(wrapper, 'join-address').exists()).toBe(true)
  })

  it('hides building, unit and room and applies without them', async () => {
    const server = fakeServer({
      'GET /api/join/vil': { status: 200, body: VILLAGE_INFO },
      'POST /api/join/vil/applications': { status: 201, body: AWAY_APPLICATION },
    })
    const { wrapper } = await mountAt('/join/vil', wangFang({ memberships: [] }))

    await fill(wrapper, { 'join-building': '7' })
    await byTestId(wrapper, 'join-living-away').setValue(true)
    expect(byTestId(wrapper, 'join-address').exists()).toBe(false)
    expect(byTestId(wrapper, 'join-building').exists()).toBe(false)

    await fill(wrapper, { 'join-real-name': '陈阿婆', 'join-phone': '139 0000 0051', 'join-sms-code': '654321' })
    await byTestId(wrapper, 'join-form').trigger('submit')
    await flushPromises()

    expect(server.calls('POST', '/api/join/vil/applications')[0]?.body).toEqual({
      real_name: '陈阿婆',
      phone: '13900000051',
      sms_code: '654321',
      building: '',
      unit: '',
      room: '',
      living_away: true,
    })
    expect(byTestId(wrapper, 'join-success').exists()).toBe(true)
  })

  it('still asks for the address when the switch is off', async () => {
    const server = fakeServer({ 'GET /api/join/vil': { status: 200, body: VILLAGE_INFO } })
    const { wrapper } = await mountAt('/join/vil', wangFang({ memberships: [] }))

    await byTestId(wrapper, 'join-living-away').setValue(true)
    await byTestId(wrapper, 'join-living-away').setValue(false)
    await fill(wrapper, { 'join-real-name': '陈阿婆', 'join-phone': '13900000051', 'join-sms-code': '654321' })
    await byTestId(wrapper, 'join-form').trigger('submit')
    await flushPromises()

    expect(wrapper.text()).toContain('请填写楼号')
    expect(wrapper.text()).toContain('请填写室号')
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([])
  })
})

describe('reviewing and showing members living elsewhere', () => {
  it('marks the application as living elsewhere instead of an address', async () => {
    const resident = pendingApplication(41, '赵磊', '13900000041')
    fakeServer({
      'GET /api/review/applications?status=pending': { status: 200, body: [AWAY_APPLICATION, resident] },
    })
    const { wrapper } = await mountAt('/review', liWei({ can_review: [meiluoCommittee, village] }))

    const away = byTestId(wrapper, 'review-card-51')
    expect(byTestId(wrapper, 'review-living-away-51').text()).toBe('在外地居住（乡愁乡音）')
    expect(away.text()).not.toContain('号楼')
    expect(byTestId(wrapper, 'review-living-away-41').exists()).toBe(false)
    expect(byTestId(wrapper, 'review-card-41').text()).toContain('5 号楼 1 单元 502 室')
  })

  it('shows the village followed on the home page', async () => {
    const me: Me = wangFang({
      memberships: [],
      away_memberships: [{ id: 5, village, joined_at: '2024-06-01T09:00:00+08:00' }],
    })
    fakeServer({
      'GET /api/auth/session': sessionOf(me),
      'GET /api/chat/settings': { status: 200, body: { refuse_strangers: false, hide_presence: false } },
    })
    const { wrapper } = await mountAt('/', me)

    expect(byTestId(wrapper, 'away-membership-20').text()).toContain('聚源桥村 · 在外地居住（乡愁乡音）')
    expect(byTestId(wrapper, 'home-no-membership').exists()).toBe(false)
  })
})
