import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { fakeChatServer } from '../../../tests/fakeSocket'
import { fakeServer, liWei as liWeiMe, wangFang as wangFangMe } from '../../../tests/helpers'
import { aCase, detailOf, entry, hoursAgo, liWei, may } from '../../cases/__tests__/fixtures'
import { byUrgency, useCasesStore } from '../cases'
import { useSessionStore } from '../session'

async function startCases(routes: Parameters<typeof fakeServer>[0] = {}, me = wangFangMe()) {
  const http = fakeServer(routes)
  const socket = fakeChatServer()
  setActivePinia(createPinia())
  useSessionStore().set(me)
  const cases = useCasesStore()
  cases.start()
  await flushPromises()
  return { http, socket, cases }
}

describe('cases store: my cases', () => {
  it('follows my case live, keeps what I may do, and adds a case I raised on another device', async () => {
    const mine = { ...aCase(7, '楼道里堆满了旧家具'), may: may('rate') }
    const { socket, cases } = await startCases({ 'GET /api/cases/mine': { status: 200, body: [mine] } })
    await cases.loadMine()
    expect(cases.mine.map((c) => c.id)).toEqual([7])

    socket.event({ type: 'case.updated', stream: 'user.1', case: aCase(7, '楼道里堆满了旧家具', { status: 'accepted' }) })
    await flushPromises()
    expect(cases.cases[7]).toMatchObject({ status: 'accepted', may: { rate: true } })

    socket.event({ type: 'case.created', stream: 'user.1', case: aCase(9, '路灯坏了') })
    // Somebody else's case reaching me (I am not staff here) is not mine.
    socket.event({ type: 'case.created', stream: 'community.10', case: aCase(8, '邻居的', { reporter: liWei, public: true }) })
    await flushPromises()
    expect(cases.mine.map((c) => c.id)).toEqual([9, 7])
  })

  it('never lets the neighbours\u2019 shape hide the reporter a committee member sees', async () => {
    const { socket, cases } = await startCases({ 'GET /api/cases/queue?community_id=10': { status: 200, body: [aCase(7, '噪音扰民', { public: true })] } }, liWeiMe())
    await cases.loadQueue('community', 10)
    socket.event({ type: 'case.updated', stream: 'community.10', case: aCase(7, '噪音扰民', { public: true, reporter: null, status: 'accepted' }) })
    await flushPromises()
    expect(cases.cases[7]).toMatchObject({ status: 'accepted', reporter: { name: '王芳' } })
  })
})

describe('cases store: the community board', () => {
  it('shows a new public case first and drops one that is no longer public', async () => {
    const { socket, cases } = await startCases({
      'GET /api/cases/board?community_id=10': { status: 200, body: [aCase(3, '旧的', { public: true })] },
    })
    await cases.loadBoard(10)
    socket.event({ type: 'case.created', stream: 'community.10', case: aCase(4, '绿地被种菜', { public: true, reporter: null }) })
    socket.event({ type: 'case.created', stream: 'community.11', case: aCase(5, '别的社区', { public: true }) })
    await flushPromises()
    expect(cases.boardOf(10).map((c) => c.id)).toEqual([4, 3])

    socket.event({ type: 'case.updated', stream: 'community.10', case: aCase(3, '旧的', { public: false }) })
    await flushPromises()
    expect(cases.boardOf(10).map((c) => c.id)).toEqual([4])
  })
})

describe('cases store: queues', () => {
  it('orders red first, then amber, then the oldest', () => {
    const old = aCase(1, 'a', { created_at: hoursAgo(50) })
    const young = aCase(2, 'b', { created_at: hoursAgo(2) })
    const amber = aCase(3, 'c', { flag: 'amber', created_at: hoursAgo(1) })
    const red = aCase(4, 'd', { flag: 'red', created_at: hoursAgo(1) })
    expect([young, old, amber, red].sort(byUrgency).map((c) => c.id)).toEqual([4, 3, 1, 2])
  })

  it('adds, changes and removes cases from case.queue frames, and moves a flagged one up', async () => {
    const { socket, cases } = await startCases(
      {
        'GET /api/cases/queue?unit_id=5': {
          status: 200,
          body: [aCase(1, '最早', { tier: 'street', created_at: hoursAgo(30) }), aCase(2, '其次', { tier: 'street', created_at: hoursAgo(20) })],
        },
      },
      liWeiMe(),
    )
    await cases.loadQueue('street', 5)
    const unit = { kind: 'street', id: 5 }
    socket.event({ type: 'case.queue', stream: 'user.2', case_id: 3, unit, action: 'added', case: aCase(3, '刚上报', { tier: 'street', created_at: hoursAgo(1) }) })
    // Another unit's queue is not this one.
    socket.event({ type: 'case.queue', stream: 'user.2', case_id: 9, unit: { kind: 'office', id: 6 }, action: 'added', case: aCase(9, '科室的') })
    await flushPromises()
    expect(cases.queueOf('street', 5).map((c) => c.id)).toEqual([1, 2, 3])

    socket.event({ type: 'case.flagged', stream: 'user.2', case_id: 3, flag: 'red' })
    socket.event({ type: 'case.queue', stream: 'user.2', case_id: 2, unit, action: 'changed', case: aCase(2, '其次', { flag: 'amber', created_at: hoursAgo(20) }) })
    await flushPromises()
    expect(cases.queueOf('street', 5).map((c) => [c.id, c.flag])).toEqual([
      [3, 'red'],
      [2, 'amber'],
      [1, ''],
    ])
    expect(cases.cases[3]?.overdue).toBe(true)

    socket.event({ type: 'case.queue', stream: 'user.2', case_id: 1, unit, action: 'removed', case: null })
    await flushPromises()
    expect(cases.queueOf('street', 5).map((c) => c.id)).toEqual([3, 2])
  })
})

describe('cases store: an open case page', () => {
  it('adds live entries in order, once, and fetches the case again when it changes', async () => {
    let served = detailOf({ ...aCase(7, '楼道堆物'), may: may('accept', 'decline') }, [entry(1, 7, 'submitted')])
    const { http, socket, cases } = await startCases({ 'GET /api/cases/7': () => ({ status: 200, body: served }) }, liWeiMe())
    await cases.loadCase(7)
    expect(cases.cases[7]?.may?.accept).toBe(true)

    const reply = entry(3, 7, 'reply', { actor: liWei, body: '明天上午清理' })
    const note = entry(2, 7, 'note', { actor: liWei, public: false, body: '联系物业' })
    socket.event({ type: 'case.entry', stream: 'staff.10', case_id: 7, entry: reply })
    socket.event({ type: 'case.entry', stream: 'staff.10', case_id: 7, entry: note })
    socket.event({ type: 'case.entry', stream: 'user.1', case_id: 7, entry: reply })
    await flushPromises()
    expect(cases.timelines[7]?.entries.map((e) => [e.id, e.kind, e.public])).toEqual([
      [1, 'submitted', true],
      [2, 'note', false],
      [3, 'reply', true],
    ])

    served = detailOf({ ...aCase(7, '楼道堆物', { status: 'accepted' }), may: may('start', 'resolve', 'escalate') }, [entry(1, 7, 'submitted')])
    socket.event({ type: 'case.updated', stream: 'staff.10', case: aCase(7, '楼道堆物', { status: 'accepted' }) })
    await flushPromises()
    expect(http.calls('GET', '/api/cases/7')).toHaveLength(2)
    expect(cases.cases[7]).toMatchObject({ status: 'accepted', may: { accept: false, escalate: true } })

    // Left: its frames no longer fetch it.
    cases.closeCase(7)
    socket.event({ type: 'case.updated', stream: 'staff.10', case: aCase(7, '楼道堆物', { status: 'in_progress' }) })
    await flushPromises()
    expect(http.calls('GET', '/api/cases/7')).toHaveLength(2)
    expect(cases.cases[7]?.status).toBe('in_progress')
  })

  it('acts through the API and reads the case page again', async () => {
    const { http, cases } = await startCases(
      {
        'GET /api/cases/7': { status: 200, body: detailOf({ ...aCase(7, '楼道堆物', { status: 'resolved' }), may: may('rate', 'reopen') }) },
        'POST /api/cases/7/rate': { status: 200, body: { ...aCase(7, '楼道堆物', { status: 'closed', rating: 5 }), may: may() } },
      },
    )
    await cases.loadCase(7)
    const { rate } = await import('../../cases/api')
    await cases.act(7, () => rate(7, 5, '很及时'))
    expect(http.calls('POST', '/api/cases/7/rate')[0]?.body).toEqual({ rating: 5, body: '很及时' })
    expect(http.calls('GET', '/api/cases/7')).toHaveLength(2)
  })
})

describe('cases store: supervisors and resuming', () => {
  it('keeps a patrol overdue first and adds a case raised in the area', async () => {
    const { socket, cases } = await startCases({
      'GET /api/cases/patrol?place_id=2': {
        status: 200,
        body: { cases: [aCase(1, '新', { created_at: hoursAgo(1) }), aCase(2, '超时', { overdue: true })], urges: [] },
      },
    })
    await cases.loadPatrol(2)
    expect(cases.patrolOf(2).map((c) => c.id)).toEqual([2, 1])
    socket.event({ type: 'case.created', stream: 'observe.2', case: aCase(5, '刚反映', { created_at: hoursAgo(3) }) })
    await flushPromises()
    expect(cases.patrolOf(2).map((c) => c.id)).toEqual([2, 5, 1])
    socket.event({ type: 'case.updated', stream: 'observe.2', case: aCase(5, '刚反映', { status: 'closed' }) })
    await flushPromises()
    expect(cases.patrolOf(2).map((c) => c.id)).toEqual([2, 1])
  })

  it('reloads what is on screen when the server could not replay everything missed', async () => {
    const { http, socket, cases } = await startCases({
      'GET /api/cases/mine': { status: 200, body: [aCase(7, '楼道堆物')] },
      'GET /api/cases/board?community_id=10': { status: 200, body: [] },
    })
    await cases.loadMine()
    await cases.loadBoard(10)
    socket.socket.push({ type: 'resumed', last_event_id: 9000, complete: false })
    await flushPromises()
    expect(http.calls('GET', '/api/cases/mine')).toHaveLength(2)
    expect(http.calls('GET', '/api/cases/board?community_id=10')).toHaveLength(2)
  })

  it('forgets everything on stop (log-out)', async () => {
    const { cases } = await startCases({ 'GET /api/cases/mine': { status: 200, body: [aCase(7, '楼道堆物')] } })
    await cases.loadMine()
    cases.stop()
    expect(cases.mineIds).toBeNull()
    expect(cases.cases).toEqual({})
  })
})
