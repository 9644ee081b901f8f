import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeChatServer } from '../../../../tests/fakeSocket'
import { fakeServer, liWei, mountAt, wangFang as wangFangMe, sessionOf } from '../../../../tests/helpers'
import { inHours, partyMe, project, reportIn, wangFang, zhangMin, zhaoLei } from '../../../volunteer/__tests__/fixtures'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)
const inDocument = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)

const members = [
  { user: zhangMin, role: 'party_secretary', show_identity: true, since: '2025-01-01T00:00:00+00:00' },
  { user: zhaoLei, role: 'party_member', show_identity: true, since: '2025-03-01T00:00:00+00:00' },
]

function routes(extra: Parameters<typeof fakeServer>[0] = {}) {
  return fakeServer({
    'GET /api/volunteer/callouts/unseen': { status: 200, body: [] },
    'GET /api/party/communities/10/members': { status: 200, body: members },
    ...extra,
  })
}

describe('PartyView', () => {
  it('lets a resident report in with the branch, then shows it waiting', async () => {
    fakeChatServer()
    const sent = reportIn(7, wangFang, { home_branch: '宝山区某单位党支部', show_identity: false })
    const http = routes({
      'GET /api/party/me': { status: 200, body: [partyMe()] },
      'POST /api/party/communities/10/report-ins': { status: 201, body: sent },
    })
    const { wrapper } = await mountAt('/party', wangFangMe())

    expect(wrapper.text()).toContain('美罗家园第一居委会党组织')
    expect(byTestId(wrapper, 'party-members').text()).toContain('张敏')
    expect(byTestId(wrapper, 'party-members').text()).toContain('书记')
    // Service projects are the branch's: a plain resident does not get them.
    expect(byTestId(wrapper, 'projects-empty').exists()).toBe(false)

    await byTestId(wrapper, 'report-in-form').trigger('submit')
    await flushPromises()
    expect(http.calls('POST', '/api/party/communities/10/report-ins')).toHaveLength(0)
    expect(wrapper.text()).toContain('请填写原所在党组织')

    await byTestId(wrapper, 'report-in-branch').setValue('宝山区某单位党支部')
    await byTestId(wrapper, 'report-in-identity').setValue(false)
    await byTestId(wrapper, 'report-in-form').trigger('submit')
    await flushPromises()
    expect(http.calls('POST', '/api/party/communities/10/report-ins')[0]?.body).toEqual({
      home_branch: '宝山区某单位党支部',
      note: '',
      show_identity: false,
    })
    expect(byTestId(wrapper, 'report-in-status').text()).toContain('等待书记确认')
    expect(byTestId(wrapper, 'report-in-form').exists()).toBe(false)
  })

  it('shows a rejected report-in with its reason, and the form again', async () => {
    fakeChatServer()
    routes({
      'GET /api/party/me': {
        status: 200,
        body: [partyMe({ report_in: reportIn(7, wangFang, { status: 'rejected', reason: '请先转入组织关系' }) })],
      },
    })
    const { wrapper } = await mountAt('/party', wangFangMe())
    expect(byTestId(wrapper, 'report-in-rejected').text()).toBe('报到未通过：请先转入组织关系')
    expect(byTestId(wrapper, 'report-in-form').exists()).toBe(true)
  })

  it('lets the secretary confirm or reject report-ins as they arrive', async () => {
    const socket = fakeChatServer()
    const waiting = reportIn(7, wangFang)
    const http = routes({
      'GET /api/party/me': {
        status: 200,
        body: [partyMe({ secretary: true, show_identity: true, gatekeeper: true, branch: true, may_manage_projects: true, may_organise: true })],
      },
      'GET /api/party/communities/10/projects': { status: 200, body: [] },
      'GET /api/party/communities/10/report-ins?status=pending': { status: 200, body: [waiting] },
      'GET /api/volunteer/communities/10/hours': {
        status: 200,
        body: [{ user: zhaoLei, callouts: 2, total_minutes: 210 }],
      },
      'POST /api/party/report-ins/7/confirm': { status: 200, body: { ...waiting, status: 'confirmed' } },
      'POST /api/party/report-ins/8/reject': { status: 200, body: { ...reportIn(8, zhaoLei), status: 'rejected', reason: '不是本社区居民' } },
    })
    const { wrapper } = await mountAt('/party', liWei({ id: 5, display_name: '张敏' }))

    expect(byTestId(wrapper, 'report-in-member').text()).toContain('你是本社区党组织书记')
    expect(byTestId(wrapper, 'report-in-7').text()).toContain('原所在党组织：宝山区某单位党支部')
    expect(byTestId(wrapper, 'party-hours').text()).toContain('3.5')

    socket.event({ type: 'party.report_in', report_in: reportIn(8, zhaoLei), stream: 'staff.10' })
    await flushPromises()
    expect(byTestId(wrapper, 'report-in-8').exists()).toBe(true)

    await byTestId(wrapper, 'report-in-confirm-7').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/party/report-ins/7/confirm')).toHaveLength(1)
    expect(byTestId(wrapper, 'report-in-7').exists()).toBe(false)

    await byTestId(wrapper, 'report-in-reject-8').trigger('click')
    await flushPromises()
    inDocument('report-in-reject-confirm')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/party/report-ins/8/reject')).toHaveLength(0)
    expect(document.body.textContent).toContain('请填写原因')
    const reason = inDocument('report-in-reason') as HTMLTextAreaElement
    reason.value = '不是本社区居民'
    reason.dispatchEvent(new Event('input'))
    inDocument('report-in-reject-confirm')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/party/report-ins/8/reject')[0]?.body).toEqual({ reason: '不是本社区居民' })
    expect(byTestId(wrapper, 'report-in-queue-empty').exists()).toBe(true)
  })

  it('lets a party member claim a project, note progress and hide their identity', async () => {
    const socket = fakeChatServer()
    const me = partyMe({ party_member: true, show_identity: true })
    const cleaning = project(3, '楼道清洁')
    const claimed = project(3, '楼道清洁', { claims: [{ user: wangFang, claimed_at: inHours(0) }] })
    const http = routes({
      'GET /api/party/me': { status: 200, body: [me] },
      'GET /api/party/communities/10/projects': { status: 200, body: [cleaning] },
      'POST /api/party/projects/3/claim': { status: 200, body: claimed },
      'POST /api/party/projects/3/notes': {
        status: 201,
        body: { ...claimed, notes: [{ id: 1, author: wangFang, text: '已联系物业', created_at: inHours(0) }] },
      },
      'PATCH /api/party/communities/10/identity': { status: 200, body: { ...me, show_identity: false } },
      'GET /api/auth/session': sessionOf(wangFangMe()),
    })
    const { wrapper } = await mountAt('/party', wangFangMe())

    expect(byTestId(wrapper, 'project-claims-3').text()).toBe('暂无人认领')
    expect(byTestId(wrapper, 'project-note-3').exists()).toBe(false)
    await byTestId(wrapper, 'project-claim-3').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/party/projects/3/claim')).toHaveLength(1)
    expect(byTestId(wrapper, 'project-claims-3').text()).toBe('认领人：王芳')
    expect(byTestId(wrapper, 'project-claim-3').text()).toBe('取消认领')

    await byTestId(wrapper, 'project-note-3').setValue('已联系物业')
    await wrapper.find('[data-testid="project-3"] form').trigger('submit')
    await flushPromises()
    expect(http.calls('POST', '/api/party/projects/3/notes')[0]?.body).toEqual({ text: '已联系物业' })
    expect(byTestId(wrapper, 'project-3').text()).toContain('已联系物业')

    // Someone else claims it too: the list follows live.
    socket.event({
      type: 'party.project',
      project: { ...claimed, claims: [...claimed.claims, { user: zhaoLei, claimed_at: inHours(0) }] },
      stream: 'party.10',
    })
    await flushPromises()
    expect(byTestId(wrapper, 'project-claims-3').text()).toBe('认领人：王芳、赵磊')

    await byTestId(wrapper, 'party-identity').setValue(false)
    await flushPromises()
    expect(http.calls('PATCH', '/api/party/communities/10/identity')[0]?.body).toEqual({ show_identity: false })
    expect((byTestId(wrapper, 'party-identity').element as HTMLInputElement).checked).toBe(false)
  })
})
