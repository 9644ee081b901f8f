import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { fakeChatServer } from '../../../tests/fakeSocket'
import { fakeServer, wangFang as wangFangMe, sessionOf } from '../../../tests/helpers'
import { alertCallout } from '../../volunteer/alert'
import {
  callout,
  detailOf,
  entry,
  inHours,
  partyMe,
  project,
  reportIn,
  signup,
  wangFang,
  zhaoLei,
} from '../../volunteer/__tests__/fixtures'
import { orderRoster, useVolunteerStore } from '../volunteer'
import { useSessionStore } from '../session'

vi.mock('../../volunteer/alert', () => ({ alertCallout: vi.fn() }))

async function startVolunteer(routes: Parameters<typeof fakeServer>[0] = {}, me = wangFangMe()) {
  const http = fakeServer({
    'GET /api/volunteer/callouts/unseen': { status: 200, body: [] },
    ...routes,
  })
  const socket = fakeChatServer()
  setActivePinia(createPinia())
  useSessionStore().set(me)
  const volunteer = useVolunteerStore()
  volunteer.start()
  await flushPromises()
  return { http, socket, volunteer }
}

describe('volunteer store: call-outs for me', () => {
  it('asks on connecting for the call-outs I have not seen, soonest first, and alerts once', async () => {
    const later = callout(12, '周日义诊', { starts_at: inHours(48), ends_at: inHours(50) })
    const sooner = callout(11, '周六清理楼道')
    const { http, volunteer } = await startVolunteer({
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [later, sooner] },
    })

    expect(http.calls('GET', '/api/volunteer/callouts/unseen')).toHaveLength(1)
    expect(volunteer.notices.map((n) => n.id)).toEqual([11, 12])
    expect(alertCallout).toHaveBeenCalledTimes(1)

    // The same ones on the next connection are not news.
    vi.mocked(alertCallout).mockClear()
    await volunteer.loadUnseen()
    expect(volunteer.notices.map((n) => n.id)).toEqual([11, 12])
    expect(alertCallout).not.toHaveBeenCalled()
  })

  it('puts a live call-out in front of me once, though two streams carry it, but not my own', async () => {
    vi.mocked(alertCallout).mockClear()
    const { socket, volunteer } = await startVolunteer()
    const fresh = callout(20, '帮老人取药')

    socket.event({ type: 'callout.created', callout: fresh, stream: 'party.10' })
    socket.event({ type: 'callout.created', callout: fresh, stream: 'staff.10' })
    await flushPromises()
    expect(volunteer.notices.map((n) => n.id)).toEqual([20])
    expect(alertCallout).toHaveBeenCalledTimes(1)

    socket.event({ type: 'callout.created', callout: callout(21, '我发起的', { organiser: wangFang }) })
    socket.event({ type: 'callout.created', callout: callout(22, '已经开始', { starts_at: inHours(-1) }) })
    await flushPromises()
    expect(volunteer.notices.map((n) => n.id)).toEqual([20])
  })

  it('drops the notice when I dismiss it (the server is told) or the call-out is cancelled', async () => {
    const { http, socket, volunteer } = await startVolunteer({
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(11, 'A'), callout(12, 'B')] },
      'POST /api/volunteer/callouts/11/seen': { status: 204 },
    })
    await volunteer.dismiss(11)
    expect(http.calls('POST', '/api/volunteer/callouts/11/seen')).toHaveLength(1)
    expect(volunteer.notices.map((n) => n.id)).toEqual([12])

    socket.event({ type: 'callout.updated', callout: callout(12, 'B', { status: 'cancelled' }) })
    await flushPromises()
    expect(volunteer.notices).toEqual([])
  })
})

describe('volunteer store: lists and live counts', () => {
  it('updates the counts everybody sees from callout.updated without touching my own sign-up', async () => {
    const mine = detailOf(callout(30, '周六清理楼道'), { me: signup('confirmed'), can_manage: false })
    const { socket, volunteer } = await startVolunteer({
      'GET /api/volunteer/callouts?when=upcoming': { status: 200, body: [mine] },
    })
    await volunteer.loadList('upcoming')
    expect(volunteer.upcoming.map((c) => c.id)).toEqual([30])

    socket.event({ type: 'callout.updated', callout: callout(30, '周六清理楼道', { confirmed: 4, waiting: 1 }) })
    await flushPromises()
    expect(volunteer.callouts[30]).toMatchObject({ confirmed: 4, waiting: 1, me: { status: 'confirmed' }, can_sign_up: true })
  })

  it('adds a new call-out to the loaded list in start order, and moves an ended one to the past', async () => {
    const { socket, volunteer } = await startVolunteer({
      'GET /api/volunteer/callouts?when=upcoming': {
        status: 200,
        body: [detailOf(callout(1, '明天')), detailOf(callout(2, '后天', { starts_at: inHours(48), ends_at: inHours(49) }))],
      },
    })
    await volunteer.loadList('upcoming')
    socket.event({ type: 'callout.created', callout: callout(3, '今晚', { starts_at: inHours(3), ends_at: inHours(4) }) })
    await flushPromises()
    expect(volunteer.upcoming.map((c) => c.title)).toEqual(['今晚', '明天', '后天'])

    socket.event({ type: 'callout.updated', callout: callout(1, '明天', { starts_at: inHours(-3), ends_at: inHours(-1) }) })
    await flushPromises()
    expect(volunteer.upcoming.map((c) => c.title)).toEqual(['今晚', '后天'])
  })

  it('keeps my sign-up from the answer: confirmed, or a place on the waiting list', async () => {
    const full = callout(40, '满员活动', { capacity: 2, confirmed: 2 })
    const { http, volunteer } = await startVolunteer({
      'POST /api/volunteer/callouts/40/signup': {
        status: 201,
        body: detailOf({ ...full, waiting: 1 }, { me: signup('waiting', { position: 1 }) }),
      },
      'DELETE /api/volunteer/callouts/40/signup': { status: 200, body: detailOf(full, { me: signup('cancelled') }) },
    })
    const answer = await volunteer.signUp(40)
    expect(answer.me).toMatchObject({ status: 'waiting', position: 1 })
    expect(http.calls('POST', '/api/volunteer/callouts/40/signup')).toHaveLength(1)

    await volunteer.cancelSignUp(40)
    expect(volunteer.callouts[40]?.me?.status).toBe('cancelled')
  })

  it('tells me when the waiting list moved me in, fetching a call-out it does not have', async () => {
    const { socket, volunteer } = await startVolunteer({
      'GET /api/volunteer/callouts/50': { status: 200, body: detailOf(callout(50, '社区义诊'), { me: signup('confirmed') }) },
    })
    volunteer.callouts[51] = detailOf(callout(51, '楼道清理'), { me: signup('waiting', { position: 2 }) })

    socket.event({ type: 'signup.changed', callout_id: 51, reason: 'moved_up', signup: signup('waiting', { position: 1 }) })
    await flushPromises()
    expect(volunteer.callouts[51]?.me?.position).toBe(1)
    expect(volunteer.promotions).toEqual([])

    socket.event({ type: 'signup.changed', callout_id: 51, reason: 'promoted', signup: signup('confirmed') })
    socket.event({ type: 'signup.changed', callout_id: 50, reason: 'promoted', signup: signup('confirmed') })
    await flushPromises()
    expect(volunteer.callouts[51]?.me?.status).toBe('confirmed')
    expect(volunteer.promotions.map((p) => p.callout.title)).toEqual(['楼道清理', '社区义诊'])
    expect(volunteer.takePromotion()?.callout.id).toBe(51)
    expect(volunteer.promotions).toHaveLength(1)
  })
})

describe('volunteer store: the organiser’s roster', () => {
  it('orders confirmed by sign-up, then waiting by position, then cancelled', () => {
    const ordered = orderRoster([
      entry(4, wangFang, 'cancelled'),
      entry(3, zhaoLei, 'waiting', { position: 2 }),
      entry(5, { id: 7, name: '周强' }, 'waiting', { position: 1 }),
      entry(2, { id: 8, name: '吴浩' }, 'confirmed'),
      entry(1, { id: 6, name: '郑华' }, 'confirmed'),
    ])
    expect(ordered.map((e) => e.id)).toEqual([1, 2, 5, 3, 4])
  })

  it('merges the changed entries of callout.roster and takes its counts', async () => {
    const c = detailOf(callout(60, '楼道清理', { capacity: 1, confirmed: 1 }), { can_manage: true })
    const { socket, volunteer } = await startVolunteer({
      'GET /api/volunteer/callouts/60/roster': { status: 200, body: { callout: c, signups: [entry(1, wangFang, 'confirmed')] } },
      'PATCH /api/volunteer/callouts/60/roster/1': {
        status: 200,
        body: entry(1, wangFang, 'confirmed', { checked_in_at: inHours(0), checked_in_by: 'organiser', minutes: 120 }),
      },
    })
    volunteer.callouts[60] = c
    await volunteer.loadRoster(60)

    socket.event({
      type: 'callout.roster',
      callout_id: 60,
      confirmed: 1,
      waiting: 1,
      entries: [entry(2, zhaoLei, 'waiting', { position: 1 })],
    })
    await flushPromises()
    expect(volunteer.rosters[60]?.map((e) => [e.user.name, e.status])).toEqual([
      ['王芳', 'confirmed'],
      ['赵磊', 'waiting'],
    ])
    expect(volunteer.callouts[60]).toMatchObject({ confirmed: 1, waiting: 1, can_manage: true })

    // 王芳 cancels: 赵磊 is promoted; both entries come in one frame.
    socket.event({
      type: 'callout.roster',
      callout_id: 60,
      confirmed: 1,
      waiting: 0,
      entries: [entry(1, wangFang, 'cancelled'), entry(2, zhaoLei, 'confirmed', { position: null })],
    })
    await flushPromises()
    expect(volunteer.rosters[60]?.map((e) => [e.user.name, e.status])).toEqual([
      ['赵磊', 'confirmed'],
      ['王芳', 'cancelled'],
    ])

    await volunteer.updateEntry(60, 1, { checked_in: true })
    expect(volunteer.rosters[60]?.find((e) => e.id === 1)?.minutes).toBe(120)
  })
})

describe('volunteer store: party branch', () => {
  it('keeps the branch’s queue and my own report-ins current from party.report_in', async () => {
    const me = wangFangMe()
    const { socket, volunteer } = await startVolunteer(
      {
        'GET /api/party/communities/10/report-ins?status=pending': { status: 200, body: [reportIn(1, zhaoLei)] },
        'GET /api/party/me': { status: 200, body: [partyMe({ party_member: true, show_identity: true })] },
        'GET /api/auth/session': sessionOf(me),
      },
      me,
    )
    await volunteer.loadPendingReportIns(10)

    socket.event({ type: 'party.report_in', report_in: reportIn(2, wangFang) })
    await flushPromises()
    expect(volunteer.pendingReportIns[10]?.map((r) => r.id)).toEqual([1, 2])
    expect(volunteer.myReportIns.map((r) => r.id)).toEqual([2])

    socket.event({ type: 'party.report_in', report_in: reportIn(2, wangFang, { status: 'confirmed' }) })
    await flushPromises()
    expect(volunteer.pendingReportIns[10]?.map((r) => r.id)).toEqual([1])
    expect(volunteer.myReportIns[0]?.status).toBe('confirmed')
    // Confirmed: where I stand is asked again (I am a member now).
    expect(volunteer.party?.[0]?.party_member).toBe(true)
  })

  it('follows service projects live once a community’s are loaded', async () => {
    const { socket, volunteer } = await startVolunteer({
      'GET /api/party/communities/10/projects': { status: 200, body: [project(1, '楼道清洁')] },
    })
    await volunteer.loadProjects(10)
    socket.event({
      type: 'party.project',
      project: project(1, '楼道清洁', { claims: [{ user: zhaoLei, claimed_at: inHours(0) }] }),
    })
    socket.event({ type: 'party.project', project: project(2, '为独居老人送餐') })
    socket.event({ type: 'party.project', project: project(3, '别的社区', { community_id: 99 }) })
    await flushPromises()
    expect(volunteer.projects[10]?.map((p) => [p.title, p.claims.length])).toEqual([
      ['为独居老人送餐', 0],
      ['楼道清洁', 1],
    ])
    expect(volunteer.projects[99]).toBeUndefined()
  })

  it('forgets everything at log-out', async () => {
    const { volunteer } = await startVolunteer({
      'GET /api/volunteer/callouts/unseen': { status: 200, body: [callout(11, 'A')] },
    })
    expect(volunteer.notices).toHaveLength(1)
    volunteer.stop()
    expect(volunteer.notices).toEqual([])
    expect(volunteer.callouts).toEqual({})
    expect(volunteer.lists).toEqual({ upcoming: null, past: null })
  })
})
