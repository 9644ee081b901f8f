import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { fakeChatServer } from '../../../tests/fakeSocket'
import { fakeServer, liWei } from '../../../tests/helpers'
import { useConsoleStore } from '../console'
import { useSessionStore } from '../session'
import { COMMUNITY, application, consoleItem, consolePage, letter, liWeiPerson, report, zhengHua } from '../../console/__tests__/fixtures'

const STREAM = `staff.${COMMUNITY}`

const ITEMS_PATH = `/api/console/communities/${COMMUNITY}/items`
const ITEMS = `GET ${ITEMS_PATH}`

async function openConsole(routes: Parameters<typeof fakeServer>[0] = {}, items = [report, application, letter]) {
  const http = fakeServer({ [ITEMS]: { status: 200, body: consolePage(items) }, ...routes })
  const socket = fakeChatServer({ me: liWeiPerson })
  setActivePinia(createPinia())
  useSessionStore().set(liWei())
  const store = useConsoleStore()
  await store.open(COMMUNITY)
  await flushPromises()
  return { http, socket, store }
}

describe('console store: loading', () => {
  it('groups the items by kind in the console order', async () => {
    const { store } = await openConsole({}, [letter, application, report])
    expect(store.groups.map((g) => g.kind)).toEqual(['report', 'application', 'letter'])
    expect(store.total).toBe(3)
    expect(store.page?.staff).toBe(true)
  })
})

describe('console store: live frames', () => {
  it("shows who claimed an item on another member's console", async () => {
    const { socket, store } = await openConsole()
    socket.event({ type: 'console.claimed', stream: STREAM, kind: 'report', item_id: 7, by: zhengHua, at: '2026-11-27T09:00:00+00:00' })
    expect(store.find('report', 7)?.claimed_by).toEqual(zhengHua)
    expect(store.heldByOther(store.find('report', 7))).toBe(true)

    socket.event({ type: 'console.claimed', stream: STREAM, kind: 'report', item_id: 7, by: null, at: null })
    expect(store.find('report', 7)?.claimed_by).toBeNull()
  })

  it('ignores frames of another community', async () => {
    const { socket, store } = await openConsole()
    socket.event({ type: 'console.claimed', stream: 'staff.99', kind: 'report', item_id: 7, by: zhengHua, at: null })
    socket.event({ type: 'console.item_removed', stream: 'staff.99', kind: 'letter', item_id: 5 })
    expect(store.find('report', 7)?.claimed_by).toBeNull()
    expect(store.find('letter', 5)).toBeDefined()
  })

  it('takes decided items away, whichever frame says so', async () => {
    const { socket, store } = await openConsole({}, [
      report,
      application,
      letter,
      consoleItem('topic_proposal', 30),
      consoleItem('topic_application', 31),
      consoleItem('post', 32),
    ])
    socket.event({ type: 'application.decided', stream: STREAM, application_id: 41, estate_id: 100, status: 'approved' })
    socket.event({ type: 'letter.read', stream: STREAM, letter_id: 5, read_at: '2026-11-27T09:00:00+00:00' })
    socket.event({ type: 'report.updated', stream: STREAM, report: { id: 7, status: 'dismissed', community: COMMUNITY } })
    socket.event({ type: 'topic.proposal.decided', stream: STREAM, conversation_id: 30, approved: true })
    socket.event({ type: 'topic.application.decided', stream: STREAM, participant_id: 31, status: 'active' })
    socket.event({ type: 'console.item_removed', stream: STREAM, kind: 'post', item_id: 32 })
    expect(store.items).toEqual([])
  })

  it('takes a post away when it is published (approved on another console)', async () => {
    const { socket, store } = await openConsole({}, [consoleItem('post', 32), letter])
    socket.event({
      type: 'post.created',
      stream: 'community.10',
      post: { id: 32, board: { id: 3, kind: 'mutual_aid', place_id: 10 }, status: 'published', title: '求助' },
    })
    expect(store.items.map((i) => i.kind)).toEqual(['letter'])
  })

  it('marks an item referred to the secretary as gated and not mine to decide', async () => {
    const { socket, store } = await openConsole()
    socket.event({ type: 'console.gated', stream: STREAM, kind: 'application', item_id: 41, gated: true, gate_note: '请书记看看', gated_by: zhengHua })
    const item = store.find('application', 41)
    expect(item?.gated).toBe(true)
    expect(item?.gate_note).toBe('请书记看看')
    expect(item?.may_decide).toBe(false)
  })

  it('reloads once for a burst of new arrivals', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const { http, socket, store } = await openConsole()
      http.set(ITEMS, { status: 200, body: consolePage([report, application, letter, consoleItem('letter', 6)]) })
      socket.event({ type: 'letter.new', stream: STREAM, letter: {} })
      socket.event({ type: 'application.submitted', stream: STREAM, application_id: 42, estate_id: 100 })
      socket.event({ type: 'report.opened', stream: STREAM, report: { id: 8, status: 'open', community: COMMUNITY } })
      await vi.advanceTimersByTimeAsync(400)
      await flushPromises()
      expect(http.calls('GET', ITEMS_PATH)).toHaveLength(2)
      expect(store.find('letter', 6)).toBeDefined()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('console store: a supervisor', () => {
  it('reloads the read-only console every minute, and stops when it is closed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    try {
      const http = fakeServer({ [ITEMS]: { status: 200, body: consolePage([letter], { staff: false }) } })
      fakeChatServer({ me: liWeiPerson })
      setActivePinia(createPinia())
      useSessionStore().set(liWei())
      const store = useConsoleStore()
      await store.open(COMMUNITY)
      await vi.advanceTimersByTimeAsync(60_000)
      expect(http.calls('GET', ITEMS_PATH)).toHaveLength(2)
      store.close()
      await vi.advanceTimersByTimeAsync(120_000)
      expect(http.calls('GET', ITEMS_PATH)).toHaveLength(2)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('console store: claims and actions', () => {
  it('claims an item on opening and gives it back on closing', async () => {
    const { http, store } = await openConsole({
      'POST /api/console/items/report/7/claim': { status: 200, body: { ...report, claimed_by: liWeiPerson } },
      'DELETE /api/console/items/report/7/claim': { status: 204 },
    })
    await store.openItem(report)
    expect(store.openKey).toBe('report:7')
    expect(store.find('report', 7)?.claimed_by).toEqual(liWeiPerson)
    expect(http.calls('POST', '/api/console/items/report/7/claim')[0]?.body).toEqual({ force: false })

    await store.closeItem()
    expect(store.openKey).toBeNull()
    expect(http.calls('DELETE', '/api/console/items/report/7/claim')).toHaveLength(1)
    expect(store.find('report', 7)?.claimed_by).toBeNull()
  })

  it('does not claim what someone else handles; a refused claim shows the holder', async () => {
    const { http, store } = await openConsole({
      'POST /api/console/items/letter/5/claim': {
        status: 409,
        body: { detail: '郑华 正在处理', code: 'claimed', errors: { claimed_by: '郑华' } },
      },
    })
    await store.openItem({ ...report, claimed_by: zhengHua })
    expect(http.calls('POST', '/api/console/items/report/7/claim')).toEqual([])

    http.set(ITEMS, { status: 200, body: consolePage([report, application, { ...letter, claimed_by: zhengHua }]) })
    await store.openItem(letter)
    await flushPromises()
    expect(store.find('letter', 5)?.claimed_by?.name).toBe('郑华')
  })

  it('approving an application calls its endpoint and takes it away', async () => {
    const { http, store } = await openConsole({
      'POST /api/applications/41/approve': { status: 200, body: {} },
      'POST /api/moderation/reports/7/dismiss': { status: 200, body: {} },
    })
    await store.act(application, 'approve')
    await store.act(report, 'dismiss', { reason: '不属实' })
    expect(http.calls('POST', '/api/applications/41/approve')).toHaveLength(1)
    expect(http.calls('POST', '/api/moderation/reports/7/dismiss')[0]?.body).toEqual({ note: '不属实' })
    expect(store.items.map((i) => i.kind)).toEqual(['letter'])
  })

  it("hides reported content and suspends its author, who stays listed until it's decided", async () => {
    const { http, store } = await openConsole({
      'POST /api/moderation/communities/10/suspensions': { status: 201, body: {} },
      'POST /api/moderation/messages/812/hide': { status: 200, body: {} },
    })
    await store.act(report, 'suspend', { reason: '多次发广告', minutes: 1440 })
    expect(http.calls('POST', '/api/moderation/communities/10/suspensions')[0]?.body).toEqual({
      user_id: 1,
      minutes: 1440,
      reason: '多次发广告',
    })
    expect(store.find('report', 7)).toBeDefined()

    await store.act(report, 'hide', { reason: '广告' })
    expect(http.calls('POST', '/api/moderation/messages/812/hide')[0]?.body).toEqual({ reason: '广告' })
    expect(store.find('report', 7)).toBeUndefined()
  })

  it('when someone else decided first, reloads and reports the error', async () => {
    const { http, store } = await openConsole({
      'POST /api/applications/41/approve': { status: 409, body: { detail: '已被处理', code: 'not_pending' } },
    })
    http.set(ITEMS, { status: 200, body: consolePage([report, letter]) })
    await expect(store.act(application, 'approve')).rejects.toMatchObject({ code: 'not_pending' })
    await flushPromises()
    expect(store.find('application', 41)).toBeUndefined()
  })
})
