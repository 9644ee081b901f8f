import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError } from '../../api'
import { RealtimeError } from '../../realtime'
import { useChatStore } from '../../stores/chat'
import { useSessionStore } from '../../stores/session'
import { fakeChatServer } from '../../../tests/fakeSocket'
import { fakeServer, liWei, wangFang } from '../../../tests/helpers'
import * as api from '../api'
import { useModerationStore } from '../store'
import { inMinutes, report, restriction } from './fixtures'

const MINE = 'GET /api/moderation/me/restrictions'

async function start(restrictions = [restriction(1)], routes = {}) {
  const http = fakeServer({ [MINE]: { status: 200, body: restrictions }, ...routes })
  const socket = fakeChatServer()
  setActivePinia(createPinia())
  useSessionStore().set(wangFang())
  useChatStore().start()
  const moderation = useModerationStore()
  moderation.start()
  await flushPromises()
  return { http, socket, moderation }
}

afterEach(() => vi.useRealTimers())

describe('my restrictions', () => {
  it('are loaded once on start, and only those in force count', async () => {
    const { http, moderation } = await start([
      restriction(1),
      restriction(2, { until: inMinutes(-5) }),
      restriction(3, { lifted_at: new Date().toISOString() }),
    ])
    moderation.start()
    await flushPromises()

    expect(http.calls('GET', '/api/moderation/me/restrictions')).toHaveLength(1)
    expect(moderation.active.map((r) => r.id)).toEqual([1])
  })

  it('apply where they were given: a mute in its conversation, a suspension in every place of the community', async () => {
    const { moderation } = await start([
      restriction(1, { conversation: 3 }),
      restriction(2, { kind: 'suspension', conversation: null, community: { id: 10, name: '美罗家园第一居委会' }, until: inMinutes(600) }),
    ])

    // Conversation 5 is a topic group of the same community (its place is the community, 10).
    expect(moderation.restrictionFor({ conversation: 3 })?.id).toBe(1)
    expect(moderation.restrictionFor({ conversation: 5, place: 10 })?.id).toBe(2)
    // An estate of wang_fang's (100) belongs to community 10: the suspension, ending last, wins.
    expect(moderation.restrictionFor({ conversation: 3, place: 100 })?.id).toBe(2)
    // Another community's board: nothing.
    expect(moderation.restrictionFor({ place: 20 })).toBeNull()
  })

  it('follow restriction.changed: a new mute appears, a lifted one goes', async () => {
    const { socket, moderation } = await start([])
    expect(moderation.restrictionFor({ conversation: 3 })).toBeNull()

    socket.event({ type: 'restriction.changed', restriction: restriction(7) })
    expect(moderation.restrictionFor({ conversation: 3 })).toMatchObject({ id: 7, reason: '刷屏广告' })

    socket.event({ type: 'restriction.changed', restriction: restriction(7, { lifted_at: new Date().toISOString() }) })
    expect(moderation.restrictionFor({ conversation: 3 })).toBeNull()
  })

  it('end by themselves when their time is up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { moderation } = await start([restriction(1, { until: inMinutes(10) })])
    expect(moderation.active).toHaveLength(1)

    vi.advanceTimersByTime(10 * 60_000 + 100)
    expect(moderation.active).toHaveLength(0)
  })

  it('are asked for again when a write is refused as muted or suspended, not for other errors', async () => {
    const { http, moderation } = await start([])
    http.set(MINE, { status: 200, body: [restriction(4)] })

    moderation.noteRefusal(new ApiError(403, '你已被禁言', 'forbidden'))
    await flushPromises()
    expect(http.calls('GET', '/api/moderation/me/restrictions')).toHaveLength(1)

    moderation.noteRefusal(new RealtimeError('muted', '你已被禁言至 12:00'))
    await flushPromises()
    expect(http.calls('GET', '/api/moderation/me/restrictions')).toHaveLength(2)
    expect(moderation.active.map((r) => r.id)).toEqual([4])
  })

  it('are forgotten when someone else logs in', async () => {
    const { moderation } = await start([restriction(1)])
    expect(moderation.active).toHaveLength(1)

    useSessionStore().set(liWei())
    await flushPromises()
    expect(moderation.active).toHaveLength(0)
  })
})

describe('reporting', () => {
  it('posts the report and remembers the item as reported', async () => {
    const { http, moderation } = await start([], {
      'POST /api/moderation/reports': { status: 201, body: report(40) },
    })

    expect(moderation.isReported('message', 100)).toBe(false)
    await moderation.report({ target_kind: 'message', target_id: 100, reason: 'spam', note: '广告' })

    expect(http.calls('POST', '/api/moderation/reports')[0]?.body).toEqual({
      target_kind: 'message',
      target_id: 100,
      reason: 'spam',
      note: '广告',
    })
    expect(moderation.isReported('message', 100)).toBe(true)
    expect(moderation.isReported('post', 100)).toBe(false)
  })

  it('keeps an item unreported when the server refuses (e.g. my own message)', async () => {
    const { moderation } = await start([], {
      'POST /api/moderation/reports': { status: 400, body: { detail: '不能举报自己的内容', code: 'own_content' } },
    })

    await expect(moderation.report({ target_kind: 'message', target_id: 101, reason: 'other' })).rejects.toMatchObject({
      code: 'own_content',
    })
    expect(moderation.isReported('message', 101)).toBe(false)
  })
})

describe('the API client', () => {
  it('sends each action to its endpoint with the reason', async () => {
    const ok = { status: 200, body: {} }
    const http = fakeServer({
      'POST /api/moderation/messages/5/hide': ok,
      'POST /api/moderation/messages/5/pin': ok,
      'POST /api/moderation/posts/6/remove': ok,
      'POST /api/moderation/comments/7/restore': ok,
      'POST /api/moderation/conversations/3/lock': ok,
      'POST /api/moderation/conversations/3/unlock': ok,
      'POST /api/moderation/conversations/3/mutes': { status: 201, body: restriction(1) },
      'POST /api/moderation/communities/10/suspensions': { status: 201, body: restriction(2, { kind: 'suspension' }) },
      'DELETE /api/moderation/restrictions/1': { status: 204 },
      'GET /api/moderation/conversations/3/pinned': { status: 200, body: [] },
    })

    await api.messageModerate(5, 'hide', '广告')
    await api.messageModerate(5, 'pin')
    await api.postModerate(6, 'remove', '违规')
    await api.commentModerate(7, 'restore', '误删')
    await api.conversationLock(3, true, '吵架')
    await api.conversationLock(3, false)
    await api.muteCreate(3, { user_id: 9, minutes: 60, reason: '刷屏' })
    await api.suspensionCreate(10, { user_id: 9, minutes: 1440, reason: '屡次违规' })
    await api.restrictionLift(1)
    await api.pinnedMessages(3)

    const sent = http.requests.filter((r) => r.url.startsWith('/api/moderation')).map((r) => [r.method, r.url, r.body])
    expect(sent).toEqual([
      ['POST', '/api/moderation/messages/5/hide', { reason: '广告' }],
      ['POST', '/api/moderation/messages/5/pin', {}],
      ['POST', '/api/moderation/posts/6/remove', { reason: '违规' }],
      ['POST', '/api/moderation/comments/7/restore', { reason: '误删' }],
      ['POST', '/api/moderation/conversations/3/lock', { reason: '吵架' }],
      ['POST', '/api/moderation/conversations/3/unlock', {}],
      ['POST', '/api/moderation/conversations/3/mutes', { user_id: 9, minutes: 60, reason: '刷屏' }],
      ['POST', '/api/moderation/communities/10/suspensions', { user_id: 9, minutes: 1440, reason: '屡次违规' }],
      ['DELETE', '/api/moderation/restrictions/1', undefined],
      ['GET', '/api/moderation/conversations/3/pinned', undefined],
    ])
  })
})
