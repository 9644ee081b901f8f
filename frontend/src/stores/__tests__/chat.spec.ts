import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import {
  FakeWebSocket,
  conversation,
  fakeChatServer,
  message,
  wangFangPerson,
  zhaoLeiPerson,
  type FakeChatOptions,
} from '../../../tests/fakeSocket'
import { wangFang } from '../../../tests/helpers'
import { useChatStore } from '../chat'
import { useSessionStore } from '../session'
import { mergeMessages } from '../chat/merge'

const estate = conversation(3, 'estate', '美罗家园', 2)
const garden = conversation(5, 'topic', '花友会', 1)
const knock = conversation(8, 'direct', '赵磊', 0)

async function startChat(options: FakeChatOptions = {}) {
  const server = fakeChatServer({ conversations: [knock, garden, estate], ...options })
  setActivePinia(createPinia())
  useSessionStore().set(wangFang())
  const chat = useChatStore()
  chat.start()
  await flushPromises()
  return { server, chat }
}

afterEach(() => vi.useRealTimers())

describe('conversations', () => {
  it('loads on connecting: estate groups, then topic groups, then knocks, with unread_total', async () => {
    const { chat } = await startChat()

    expect(chat.connection).toBe('open')
    expect(chat.ordered.map((c) => c.id)).toEqual([3, 5, 8])
    expect(chat.unreadTotal).toBe(3)
  })

  it('counts a new message from someone else as unread, but not my own or one seen twice', async () => {
    const { server, chat } = await startChat()

    server.event({ type: 'message.new', message: message(901, 8, zhaoLeiPerson, '在家吗？') })
    const replayedId = server.event({ type: 'message.new', message: message(902, 8, zhaoLeiPerson, '我到楼下了') })
    server.socket.push({ type: 'message.new', id: replayedId, stream: 'conv.8', message: message(902, 8, zhaoLeiPerson, '我到楼下了') })
    server.event({ type: 'message.new', message: message(903, 8, wangFangPerson, '马上下来') })

    expect(chat.conversations[8]?.unread).toBe(2)
    expect(chat.unreadTotal).toBe(5)
    expect(chat.messages[8]?.map((m) => m.id)).toEqual([901, 902, 903])
  })

  it('follows conversation.joined and conversation.left', async () => {
    const { server, chat } = await startChat()

    server.event({ type: 'conversation.joined', conversation: conversation(6, 'topic', '篮球群') })
    // Groups of a kind in pinyin order: 花 (huā) before 篮 (lán).
    expect(chat.ordered.map((c) => c.id)).toEqual([3, 5, 6, 8])

    server.event({ type: 'conversation.left', conversation: 5 })
    expect(chat.conversations[5]).toBeUndefined()
    expect(chat.left[5]).toBe(true)
  })
})

describe('messages', () => {
  it('merges history pages and live events: each message once, ordered by id', async () => {
    const messages = Array.from({ length: 60 }, (_, i) => message(101 + i, 3, zhaoLeiPerson, `第${i + 1}条`))
    const { server, chat } = await startChat({ messages })

    await chat.open(3)
    expect(chat.messages[3]).toHaveLength(50)
    expect(chat.hasMore[3]).toBe(true)

    // A live event that is also in the next page, and one newer than everything.
    server.event({ type: 'message.new', message: message(161, 3, zhaoLeiPerson, '最新') })
    server.event({ type: 'message.edited', message: { ...messages[20]!, body: '改过了', edited_at: '2026-11-27T09:00:00+00:00' } })
    await chat.loadOlder(3)

    const [older] = server.sent('history').slice(-1)
    expect(older).toMatchObject({ conversation: 3, before: 111 })
    const ids = chat.messages[3]!.map((m) => m.id)
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b))
    expect(ids).toHaveLength(61)
    expect(chat.hasMore[3]).toBe(false)
  })

  it('applies edits, deletions and likes to loaded messages', async () => {
    const { server, chat } = await startChat({ messages: [message(100, 3, zhaoLeiPerson, '谁有梯子？')] })
    await chat.open(3)

    server.event({ type: 'message.edited', message: message(100, 3, zhaoLeiPerson, '谁有长梯子？', { edited_at: '2026-11-27T09:00:00+00:00' }) })
    expect(chat.messages[3]?.[0]).toMatchObject({ body: '谁有长梯子？', edited_at: expect.any(String) })

    server.event({ type: 'message.liked', conversation: 3, message_id: 100, likes: 3, user_id: 1, liked: true })
    expect(chat.messages[3]?.[0]?.likes).toBe(3)
    expect(chat.likedByMe[100]).toBe(true)

    server.event({ type: 'message.deleted', conversation: 3, message_id: 100 })
    expect(chat.messages[3]?.[0]).toMatchObject({ deleted: true, body: '' })
  })

  it('keeps a deletion and the latest edit whichever copy comes last', () => {
    const original = message(1, 3, zhaoLeiPerson, '原文')
    const edited = { ...original, body: '改后', edited_at: '2026-11-27T09:00:00+00:00' }
    expect(mergeMessages([edited], [original])[0]?.body).toBe('改后')
    expect(mergeMessages([{ ...original, deleted: true, body: '' }], [original])[0]?.deleted).toBe(true)
    expect(mergeMessages([message(3, 3, zhaoLeiPerson, 'c')], [message(1, 3, zhaoLeiPerson, 'a')]).map((m) => m.id)).toEqual([1, 3])
  })

  it('shows a sent message as pending until acknowledged, then once', async () => {
    const { server, chat } = await startChat()
    await chat.open(3)

    const entry = chat.send(3, '楼下的快递柜坏了', { mentions: [9] })
    expect(chat.outgoing).toHaveLength(1)
    await flushPromises()

    const [frame] = server.sent('send')
    expect(frame).toMatchObject({ conversation: 3, body: '楼下的快递柜坏了', client_id: entry.clientId, mentions: [9] })
    expect(chat.outgoing).toHaveLength(0)
    expect(chat.messages[3]?.map((m) => m.body)).toEqual(['楼下的快递柜坏了'])
    expect(chat.conversations[3]?.unread).toBe(2) // my own message is not unread
  })

  it('marks a refused message failed; retrying sends the same client_id', async () => {
    let refusals = 1
    const { server, chat } = await startChat({
      handlers: {
        send: (frame) => (refusals-- > 0 ? { type: 'error', code: 'blocked', detail: '对方已屏蔽你' } : { type: 'ack', duplicate: false, message: message(950, 8, wangFangPerson, String(frame.body), { client_id: String(frame.client_id) }) }),
      },
    })

    const entry = chat.send(8, '你好')
    await flushPromises()
    expect(chat.outgoing[0]).toMatchObject({ status: 'failed', error: '对方已屏蔽你' })

    chat.retry(entry.clientId)
    await flushPromises()
    const sent = server.sent('send')
    expect(sent.map((f) => f.client_id)).toEqual([entry.clientId, entry.clientId])
    expect(chat.outgoing).toEqual([])
    expect(chat.messages[8]?.[0]?.id).toBe(950)
  })

  it('reloads open conversations when a resume could not replay everything', async () => {
    vi.useFakeTimers()
    const { server, chat } = await startChat({ messages: [message(100, 3, zhaoLeiPerson, '旧')] })
    await chat.open(3)
    server.handlers.resume = () => ({ type: 'resumed', last_event_id: 9999, complete: false })
    server.messages.push(message(300, 3, zhaoLeiPerson, '断线时发的'))

    server.socket.drop(1012)
    vi.advanceTimersByTime(750) // the first wait: 0.5 s ± 50 %
    await flushPromises()
    await flushPromises()

    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(server.sent('resume')).toEqual([{ op: 'resume', after: 5000 }])
    expect(chat.messages[3]?.map((m) => m.id)).toEqual([100, 300])
  })
})

describe('reading', () => {
  it('sends `read` with the newest message of the conversation on screen, and clears its unread', async () => {
    const { server, chat } = await startChat({
      messages: [message(100, 3, zhaoLeiPerson, 'a'), message(101, 3, zhaoLeiPerson, 'b')],
    })
    await chat.open(3)

    chat.setViewing(3)
    await flushPromises()
    expect(server.sent('read')).toEqual([expect.objectContaining({ conversation: 3, up_to: 101 })])
    expect(chat.conversations[3]?.unread).toBe(0)

    // While on screen, a new message is read at once.
    server.event({ type: 'message.new', message: message(102, 3, zhaoLeiPerson, 'c') })
    await flushPromises()
    expect(server.sent('read').at(-1)).toMatchObject({ up_to: 102 })
    expect(chat.conversations[3]?.unread).toBe(0)

    // Not on screen: counted.
    chat.setViewing(null)
    server.event({ type: 'message.new', message: message(103, 3, zhaoLeiPerson, 'd') })
    expect(chat.conversations[3]?.unread).toBe(1)
  })

  it('clears unread when I read on another device', async () => {
    const { server, chat } = await startChat()
    server.event({ type: 'message.new', message: message(400, 5, zhaoLeiPerson, '浇花了吗') })
    expect(chat.conversations[5]?.unread).toBe(2)

    server.event({ type: 'read.updated', conversation: 5, up_to: 400 })
    expect(chat.conversations[5]?.unread).toBe(0)
  })
})

describe('typing and presence', () => {
  it('shows who is typing for about five seconds', async () => {
    const { server, chat } = await startChat()
    vi.useFakeTimers()

    server.socket.push({ type: 'typing', conversation: 3, user: zhaoLeiPerson })
    server.socket.push({ type: 'typing', conversation: 3, user: wangFangPerson }) // me: ignored
    expect(chat.typists(3)).toEqual(['赵磊'])

    vi.advanceTimersByTime(4000)
    server.socket.push({ type: 'typing', conversation: 3, user: zhaoLeiPerson }) // still typing
    vi.advanceTimersByTime(4000)
    expect(chat.typists(3)).toEqual(['赵磊'])
    vi.advanceTimersByTime(1000)
    expect(chat.typists(3)).toEqual([])
  })

  it('stops showing someone as typing once their message arrives', async () => {
    const { server, chat } = await startChat()
    server.socket.push({ type: 'typing', conversation: 3, user: zhaoLeiPerson })
    server.event({ type: 'message.new', message: message(500, 3, zhaoLeiPerson, '好了') })
    expect(chat.typists(3)).toEqual([])
  })

  it('knows who is online from `presence` and keeps it current', async () => {
    const { server, chat } = await startChat({ online: { 3: [1, 9] } })

    chat.watchPresence([3])
    await flushPromises()
    expect(chat.online[3]).toEqual([1, 9])

    server.socket.push({ type: 'presence.changed', conversation: 3, online: [2], offline: [9] })
    expect(chat.online[3]?.sort()).toEqual([1, 2])
    expect(chat.isOnline(3, 9)).toBe(false)
    // Not asked for: a partial list would mislead.
    server.socket.push({ type: 'presence.changed', conversation: 5, online: [2], offline: [] })
    expect(chat.online[5]).toBeUndefined()
  })
})

describe('knocking', () => {
  it('opens the conversation with a neighbour and remembers who it is with', async () => {
    const { server, chat } = await startChat()

    const conv = await chat.knock(9)

    expect(server.sent('knock')[0]).toMatchObject({ user: 9 })
    expect(chat.conversations[conv.id]).toBeDefined()
    expect(chat.peerOf(conv.id)).toEqual({ id: 9, name: conv.title })
  })

  it('stop() forgets everything (log-out)', async () => {
    const { chat } = await startChat()
    chat.stop()
    expect(chat.connection).toBe('offline')
    expect(chat.ordered).toEqual([])
    expect(FakeWebSocket.last.closedByClient).toBe(1000)
  })
})
