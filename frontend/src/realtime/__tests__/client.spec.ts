import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { FakeWebSocket } from '../../../tests/fakeSocket'
import { RealtimeClient, type RealtimeOptions } from '../client'
import { RealtimeError, type ChatMessage } from '../protocol'
import { RecentIds } from '../recentIds'
import { socketUrl } from '..'

function client(options: Partial<RealtimeOptions> = {}) {
  return new RealtimeClient({
    url: () => 'ws://shequtong.test/ws/',
    createSocket: (url, protocols) => new FakeWebSocket(url, protocols),
    heartbeatMs: 0,
    random: () => 0.5, // no jitter unless a test asks for it
    ...options,
  })
}

/** Starts the client and lets the server accept; returns the socket. */
async function connected(rt: RealtimeClient, lastEventId = 100): Promise<FakeWebSocket> {
  rt.start()
  await flushPromises()
  const socket = FakeWebSocket.last
  socket.accept({ last_event_id: lastEventId })
  return socket
}

function posted(id: number, clientId: string): ChatMessage {
  return {
    id,
    conversation: 3,
    author: { id: 1, name: '王芳' },
    client_id: clientId,
    body: '楼下的快递柜坏了',
    reply_to: null,
    mentions: [],
    likes: 0,
    created_at: '2026-11-27T08:01:02+00:00',
    edited_at: null,
    deleted: false,
  }
}

beforeEach(() => FakeWebSocket.reset())
afterEach(() => vi.useRealTimers())

describe('connecting', () => {
  it('uses ws:// or wss:// like the page, on /ws/', () => {
    expect(socketUrl({ protocol: 'http:', host: 'localhost:5173' })).toBe('ws://localhost:5173/ws/')
    expect(socketUrl({ protocol: 'https:', host: 'shequtong.cn' })).toBe('wss://shequtong.cn/ws/')
  })

  it('offers the JSON subprotocol and is open after `ready`', async () => {
    const rt = client()
    const states: string[] = []
    rt.onState((state) => states.push(state))
    const opened = vi.fn()
    rt.onOpen(opened)

    await connected(rt, 4242)

    expect(FakeWebSocket.last.url).toBe('ws://shequtong.test/ws/')
    expect(FakeWebSocket.last.protocols).toEqual(['shequtong.v1.json'])
    expect(states).toEqual(['connecting', 'open'])
    expect(opened).toHaveBeenCalledWith(expect.objectContaining({ reconnected: false }))
    // The first connection resumes nothing: the app loads what it shows fresh.
    expect(FakeWebSocket.last.frames('resume')).toEqual([])
    expect(rt.lastEventId).toBe(4242)
  })

  it('speaks MessagePack in binary frames when chosen', async () => {
    const rt = client({ codec: 'msgpack' })
    const socket = await connected(rt)
    expect(socket.protocols).toEqual(['shequtong.v1.msgpack'])
    expect(socket.binaryType).toBe('arraybuffer')

    const reply = rt.request('presence', { conversation: 3 })
    const [frame] = socket.frames('presence')
    socket.push({ type: 'presence', ref: frame?.ref, conversation: 3, online: [1, 9] })

    await expect(reply).resolves.toMatchObject({ online: [1, 9] })
  })
})

describe('requests', () => {
  it('matches replies to requests by ref, in whatever order they come', async () => {
    const rt = client()
    const socket = await connected(rt)

    const first = rt.request('presence', { conversation: 3 })
    const second = rt.request('presence', { conversation: 4 })
    const [a, b] = socket.frames('presence')
    expect(a?.ref).not.toBe(b?.ref)
    socket.push({ type: 'presence', ref: b?.ref, conversation: 4, online: [2] })
    socket.push({ type: 'presence', ref: a?.ref, conversation: 3, online: [1] })

    await expect(first).resolves.toMatchObject({ conversation: 3, online: [1] })
    await expect(second).resolves.toMatchObject({ conversation: 4, online: [2] })
  })

  it('rejects with the server’s error code, and after a timeout', async () => {
    vi.useFakeTimers()
    const rt = client({ requestTimeoutMs: 5000 })
    const socket = await connected(rt)

    const refused = rt.request('history', { conversation: 99 })
    socket.push({ type: 'error', code: 'not_found', detail: '不存在', ref: socket.frames('history')[0]?.ref })
    await expect(refused).rejects.toMatchObject({ code: 'not_found', detail: '不存在' })

    const unanswered = rt.request('presence', { conversation: 3 })
    vi.advanceTimersByTime(5000)
    await expect(unanswered).rejects.toBeInstanceOf(RealtimeError)
    await expect(unanswered).rejects.toMatchObject({ code: 'timeout' })
  })

  it('holds requests made while connecting and sends them once ready', async () => {
    const rt = client()
    rt.start()
    const reply = rt.request('conversations', {})
    await flushPromises()
    const socket = FakeWebSocket.last
    expect(socket.sent).toEqual([])

    socket.accept()
    const [frame] = socket.frames('conversations')
    expect(frame).toBeDefined()
    socket.push({ type: 'conversations', ref: frame?.ref, conversations: [], unread_total: 0 })
    await expect(reply).resolves.toMatchObject({ unread_total: 0 })
  })

  it('refuses a frame larger than the server’s limit without sending it', async () => {
    const rt = client()
    rt.start()
    await flushPromises()
    FakeWebSocket.last.accept({ limits: { frame_bytes: 64, message_chars: 2000, send_rate: '10/5s' } })

    const { acked } = rt.sendMessage({ conversation: 3, body: '长'.repeat(100) })

    await expect(acked).rejects.toMatchObject({ code: 'frame_too_large' })
    expect(FakeWebSocket.last.frames('send')).toEqual([])
  })
})

describe('reconnecting', () => {
  it('backs off 0.5 s, 1 s, 2 s … up to 30 s, and starts over after a good connection', async () => {
    vi.useFakeTimers()
    const rt = client()
    await connected(rt)
    const delays: number[] = []

    for (let i = 0; i < 9; i++) {
      const before = FakeWebSocket.instances.length
      FakeWebSocket.last.drop()
      expect(rt.state).toBe('reconnecting')
      let waited = 0
      while (FakeWebSocket.instances.length === before) {
        vi.advanceTimersByTime(50)
        await flushPromises()
        waited += 50
      }
      delays.push(waited)
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])

    FakeWebSocket.last.accept()
    expect(rt.state).toBe('open')
    FakeWebSocket.last.drop()
    vi.advanceTimersByTime(499)
    await flushPromises()
    const count = FakeWebSocket.instances.length
    vi.advanceTimersByTime(1)
    await flushPromises()
    expect(FakeWebSocket.instances.length).toBe(count + 1)
  })

  it('adds up to ±50 % jitter to each delay', async () => {
    vi.useFakeTimers()
    for (const [random, expected] of [
      [0, 250],
      [0.9, 700],
    ] as const) {
      FakeWebSocket.reset()
      const rt = client({ random: () => random })
      await connected(rt)
      FakeWebSocket.last.drop()
      vi.advanceTimersByTime(expected - 1)
      await flushPromises()
      expect(FakeWebSocket.instances).toHaveLength(1)
      vi.advanceTimersByTime(1)
      await flushPromises()
      expect(FakeWebSocket.instances).toHaveLength(2)
      rt.stop()
    }
  })

  it('resumes after the highest event id seen, and drops replayed events', async () => {
    vi.useFakeTimers()
    const rt = client()
    const seen: number[] = []
    rt.on('message.new', (event) => seen.push(event.id))
    const opened = vi.fn()
    rt.onOpen(opened)
    const socket = await connected(rt, 100)

    socket.push({ type: 'message.new', id: 101, stream: 'conv.3', message: posted(1, 'a') })
    socket.push({ type: 'message.new', id: 103, stream: 'conv.3', message: posted(3, 'c') })
    socket.push({ type: 'message.new', id: 102, stream: 'conv.3', message: posted(2, 'b') })
    socket.push({ type: 'message.new', id: 103, stream: 'conv.3', message: posted(3, 'c') })
    expect(seen).toEqual([101, 103, 102])

    socket.drop(1012)
    vi.advanceTimersByTime(500)
    await flushPromises()
    const again = FakeWebSocket.last
    expect(again).not.toBe(socket)
    again.accept({ last_event_id: 110 })

    expect(again.frames('resume')).toEqual([{ op: 'resume', after: 103 }])
    expect(opened).toHaveBeenLastCalledWith(expect.objectContaining({ reconnected: true }))
    // The server replays a few events before `after` too: only the new ones get through.
    for (const id of [101, 102, 103, 104, 105]) {
      again.push({ type: 'message.new', id, stream: 'conv.3', message: posted(id - 100, `x${id}`) })
    }
    again.push({ type: 'resumed', last_event_id: 105, complete: true })
    expect(seen).toEqual([101, 103, 102, 104, 105])
    expect(rt.lastEventId).toBe(105)
  })

  it('keeps its resume point while a replay is under way, so a drop mid-replay loses nothing', async () => {
    vi.useFakeTimers()
    const rt = client()
    const seen: number[] = []
    rt.on('message.new', (event) => seen.push(event.id))
    const socket = await connected(rt, 100)
    socket.push({ type: 'message.new', id: 101, stream: 'conv.3', message: posted(1, 'a') })

    socket.drop(1012)
    vi.advanceTimersByTime(500)
    await flushPromises()
    const second = FakeWebSocket.last
    second.accept({ last_event_id: 140 })
    expect(second.frames('resume')).toEqual([{ op: 'resume', after: 101 }])
    // Part of the replay, and a live event far ahead of it, then the connection is lost.
    second.push({ type: 'message.new', id: 102, stream: 'conv.3', message: posted(2, 'b') })
    second.push({ type: 'message.new', id: 140, stream: 'conv.3', message: posted(40, 'live') })
    expect(rt.lastEventId).toBe(101)
    second.drop(1012)
    vi.advanceTimersByTime(1000)
    await flushPromises()

    const third = FakeWebSocket.last
    expect(third).not.toBe(second)
    third.accept({ last_event_id: 140 })
    // Resumed from where the unfinished replay started, not past the live event.
    expect(third.frames('resume')).toEqual([{ op: 'resume', after: 101 }])
    for (const id of [101, 102, 103, 104, 140]) {
      third.push({ type: 'message.new', id, stream: 'conv.3', message: posted(id - 100, `x${id}`) })
    }
    third.push({ type: 'resumed', last_event_id: 140, complete: true })
    expect(seen).toEqual([101, 102, 140, 103, 104])
    expect(rt.lastEventId).toBe(140)
  })

  it('re-sends an unacknowledged message with the same client_id after reconnecting', async () => {
    vi.useFakeTimers()
    const rt = client()
    const socket = await connected(rt)

    const { clientId, acked } = rt.sendMessage({ conversation: 3, body: '楼下的快递柜坏了' })
    const [first] = socket.frames('send')
    expect(first).toMatchObject({ op: 'send', conversation: 3, client_id: clientId, body: '楼下的快递柜坏了' })
    expect(rt.unacknowledged).toBe(1)

    socket.drop() // the ack was lost with the connection
    vi.advanceTimersByTime(500)
    await flushPromises()
    const again = FakeWebSocket.last
    again.accept()
    const [retry] = again.frames('send')
    expect(retry?.client_id).toBe(clientId)
    expect(again.sent.map((f) => f.op)).toEqual(['resume', 'send'])

    again.push({ type: 'ack', ref: retry?.ref, duplicate: true, message: posted(812, clientId) })
    await expect(acked).resolves.toMatchObject({ duplicate: true, message: { id: 812, client_id: clientId } })
    expect(rt.unacknowledged).toBe(0)
  })

  it('tries a throttled message again later, with the same client_id', async () => {
    vi.useFakeTimers()
    const rt = client()
    const socket = await connected(rt)

    const { clientId, acked } = rt.sendMessage({ conversation: 3, body: '你好' })
    socket.push({ type: 'error', code: 'throttled', detail: '太快了', ref: socket.frames('send')[0]?.ref })
    vi.advanceTimersByTime(1000)
    const frames = socket.frames('send')
    expect(frames).toHaveLength(2)
    expect(frames[1]?.client_id).toBe(clientId)

    socket.push({ type: 'ack', ref: frames[1]?.ref, duplicate: false, message: posted(900, clientId) })
    await expect(acked).resolves.toMatchObject({ message: { id: 900 } })
  })

  it('gives up on a message the server refuses', async () => {
    const rt = client()
    const socket = await connected(rt)

    const { acked } = rt.sendMessage({ conversation: 3, body: '你好' })
    socket.push({ type: 'error', code: 'locked', detail: '只读', ref: socket.frames('send')[0]?.ref })

    await expect(acked).rejects.toMatchObject({ code: 'locked' })
    expect(rt.unacknowledged).toBe(0)
  })

  it('on 4401 stops, fails what waits and asks the app to log in again', async () => {
    vi.useFakeTimers()
    const rt = client()
    const unauthorized = vi.fn()
    rt.onUnauthorized(unauthorized)
    const socket = await connected(rt)
    const { acked } = rt.sendMessage({ conversation: 3, body: '你好' })
    acked.catch(() => undefined)

    socket.drop(4401)

    expect(rt.state).toBe('offline')
    expect(unauthorized).toHaveBeenCalledOnce()
    await expect(acked).rejects.toMatchObject({ code: 'unauthorized' })
    vi.advanceTimersByTime(60_000)
    await flushPromises()
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('stop() closes the socket and does not reconnect', async () => {
    vi.useFakeTimers()
    const rt = client()
    const socket = await connected(rt)

    rt.stop()

    expect(socket.closedByClient).toBe(1000)
    expect(rt.state).toBe('offline')
    vi.advanceTimersByTime(60_000)
    await flushPromises()
    expect(FakeWebSocket.instances).toHaveLength(1)
  })

  it('checks a silent connection with a ping and replaces it when no pong comes', async () => {
    vi.useFakeTimers()
    const rt = client({ heartbeatMs: 20_000 })
    const socket = await connected(rt)

    vi.advanceTimersByTime(20_000)
    expect(socket.frames('ping')).toHaveLength(1)
    vi.advanceTimersByTime(10_000)
    await flushPromises()
    expect(socket.closedByClient).toBe(4000)
    expect(rt.state).toBe('reconnecting')
  })
})

describe('RecentIds', () => {
  it('remembers a bounded number of ids', () => {
    const ids = new RecentIds(3)
    expect([1, 2, 3].map((id) => ids.add(id))).toEqual([true, true, true])
    expect(ids.add(2)).toBe(false)
    ids.add(4)
    expect(ids.has(1)).toBe(false)
    expect(ids.has(4)).toBe(true)
    expect(ids.size).toBe(3)
  })
})
