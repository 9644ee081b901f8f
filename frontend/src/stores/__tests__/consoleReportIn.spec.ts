/** The console store with party report-ins (报到) and the moderation calls it shares with the chat and boards pages. */
import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { fakeChatServer } from '../../../tests/fakeSocket'
import { fakeServer, liWei } from '../../../tests/helpers'
import { actionKey, useConsoleStore } from '../console'
import { useSessionStore } from '../session'
import {
  COMMUNITY,
  consoleItem,
  consolePage,
  letter,
  liWeiPerson,
  report,
  reportIn,
} from '../../console/__tests__/fixtures'
import type { ConsoleItem } from '../../console/types'

const STREAM = `staff.${COMMUNITY}`
const ITEMS_PATH = `/api/console/communities/${COMMUNITY}/items`
const ITEMS = `GET ${ITEMS_PATH}`
/** As the secretary sees it. */
const decidable: ConsoleItem = { ...reportIn, may_decide: true }

function reportInFrame(status: string, id = 12) {
  return {
    type: 'party.report_in',
    stream: STREAM,
    report_in: { id, community: { id: COMMUNITY, name: '美罗' }, status, user: { id: 9, name: '钱红' } },
  }
}

async function openConsole(routes: Parameters<typeof fakeServer>[0] = {}, items: ConsoleItem[] = [letter, decidable]) {
  const http = fakeServer({ [ITEMS]: { status: 200, body: consolePage(items, { gatekeeper: true, secretary: true }) }, ...routes })
  const socket = fakeChatServer({ me: liWeiPerson })
  setActivePinia(createPinia())
  useSessionStore().set(liWei())
  const store = useConsoleStore()
  await store.open(COMMUNITY)
  await flushPromises()
  return { http, socket, store }
}

describe('console store: party report-ins', () => {
  it('lists them last, in their own group', async () => {
    const { store } = await openConsole({}, [decidable, letter])
    expect(store.groups.map((g) => g.kind)).toEqual(['letter', 'report_in'])
  })

  it('confirms through the party API and takes the report-in away', async () => {
    const { http, store } = await openConsole({
      'POST /api/party/report-ins/12/confirm': { status: 200, body: { id: 12, status: 'confirmed' } },
    })
    await store.act(decidable, 'confirm')
    expect(http.calls('POST', '/api/party/report-ins/12/confirm')).toHaveLength(1)
    expect(store.find('report_in', 12)).toBeUndefined()
  })

  it('rejects with the reason given', async () => {
    const { http, store } = await openConsole({
      'POST /api/party/report-ins/12/reject': { status: 200, body: { id: 12, status: 'rejected' } },
    })
    await store.act(decidable, 'reject', { reason: ' 组织关系不在本区 ' })
    expect(http.calls('POST', '/api/party/report-ins/12/reject')[0]?.body).toEqual({ reason: '组织关系不在本区' })
    expect(store.find('report_in', 12)).toBeUndefined()
  })

  it('keeps the item when the server refuses (not the secretary)', async () => {
    const { store } = await openConsole({
      'POST /api/party/report-ins/12/confirm': {
        status: 403,
        body: { detail: '只有党组织书记可以确认报到。', code: 'forbidden' },
      },
    })
    await expect(store.act(reportIn, 'confirm')).rejects.toMatchObject({ status: 403 })
    expect(store.find('report_in', 12)).toBeDefined()
  })

  it('refuses actions that do not apply to a report-in', async () => {
    const { http, store } = await openConsole()
    await expect(store.act(decidable, 'approve')).rejects.toThrow('approve does not apply to report_in')
    expect(http.calls('POST', '/api/party/report-ins/12/confirm')).toEqual([])
  })

  it('a decided or withdrawn report-in leaves every console live', async () => {
    const { socket, store } = await openConsole({}, [letter, decidable, consoleItem('report_in', 13), consoleItem('report_in', 14)])
    socket.event(reportInFrame('confirmed', 12))
    socket.event(reportInFrame('rejected', 13))
    socket.event(reportInFrame('withdrawn', 14))
    expect(store.items.map((i) => i.kind)).toEqual(['letter'])
  })

  it("ignores another community's report-ins", async () => {
    const { socket, store } = await openConsole()
    socket.event({ ...reportInFrame('confirmed'), stream: 'staff.99' })
    expect(store.find('report_in', 12)).toBeDefined()
  })

  it('a new report-in reloads the list once for a burst', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const { http, socket, store } = await openConsole()
      http.set(ITEMS, { status: 200, body: consolePage([letter, decidable, consoleItem('report_in', 15)]) })
      socket.event(reportInFrame('pending', 15))
      socket.event({ type: 'letter.new', stream: STREAM, letter: {} })
      await vi.advanceTimersByTimeAsync(400)
      await flushPromises()
      expect(http.calls('GET', ITEMS_PATH)).toHaveLength(2)
      expect(store.find('report_in', 15)).toBeDefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('names its actions 确认 and 驳回', () => {
    expect(actionKey('report_in', 'confirm')).toBe('console.actions.confirm')
    expect(actionKey('report_in', 'reject')).toBe('console.actions.rejectReportIn')
    expect(actionKey('report_in', 'reject', true)).toBe('console.done.rejectReportIn')
    expect(actionKey('application', 'reject')).toBe('console.actions.reject')
  })
})

describe('console store: acting through the moderation API', () => {
  const postReport = consoleItem('report', 8, {
    extra: { target_kind: 'post', target_id: 55, count: 1, reasons: {}, last_at: '', conversation: null, post: 55 },
  })
  const commentReport = consoleItem('report', 9, {
    extra: { target_kind: 'comment', target_id: 66, count: 1, reasons: {}, last_at: '', conversation: null, post: 55 },
  })

  it('hides a reported message, removes a reported post or comment', async () => {
    const { http, store } = await openConsole(
      {
        'POST /api/moderation/messages/812/hide': { status: 200, body: {} },
        'POST /api/moderation/posts/55/remove': { status: 200, body: {} },
        'POST /api/moderation/comments/66/hide': { status: 200, body: {} },
      },
      [report, postReport, commentReport],
    )
    await store.act(report, 'hide', { reason: '广告' })
    await store.act(postReport, 'remove', { reason: '谣言' })
    await store.act(commentReport, 'hide', { reason: '辱骂' })
    expect(http.calls('POST', '/api/moderation/messages/812/hide')[0]?.body).toEqual({ reason: '广告' })
    expect(http.calls('POST', '/api/moderation/posts/55/remove')[0]?.body).toEqual({ reason: '谣言' })
    expect(http.calls('POST', '/api/moderation/comments/66/hide')[0]?.body).toEqual({ reason: '辱骂' })
    expect(store.items).toEqual([])
  })

  it('suspends the reported author in the community', async () => {
    const { http, store } = await openConsole(
      { 'POST /api/moderation/communities/10/suspensions': { status: 201, body: {} } },
      [postReport],
    )
    await store.act(postReport, 'suspend', { reason: '多次造谣', minutes: 60 })
    expect(http.calls('POST', '/api/moderation/communities/10/suspensions')[0]?.body).toEqual({
      user_id: 1,
      minutes: 60,
      reason: '多次造谣',
    })
    expect(store.find('report', 8)).toBeDefined()
  })
})
