/**
 * A fake WebSocket (what the browser's would do, driven by the test) and a small fake chat
 * server behind it that answers the ops of docs/protocol.md from in-memory data.
 */
import { vi } from 'vitest'
import { decode, encode } from '@msgpack/msgpack'
import type { SocketLike } from '../src/realtime/client'
import {
  MSGPACK_SUBPROTOCOL,
  type ChatMessage,
  type Conversation,
  type Person,
  type ReadyFrame,
} from '../src/realtime/protocol'

export type Frame = Record<string, unknown> & { op?: string; ref?: number; type?: string }

export class FakeWebSocket implements SocketLike {
  static instances: FakeWebSocket[] = []
  /** Called for every new socket (a fake server hooks in here). */
  static onCreate: ((socket: FakeWebSocket) => void) | null = null

  static get last(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1)
    if (!socket) throw new Error('no WebSocket was opened')
    return socket
  }

  static reset(): void {
    FakeWebSocket.instances = []
    FakeWebSocket.onCreate = null
  }

  readonly url: string
  readonly protocols: string[]
  binaryType: BinaryType = 'blob'
  readyState = 0
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  /** Every frame the client sent, decoded. */
  readonly sent: Frame[] = []
  /** Called for each frame the client sends. */
  onSend: ((frame: Frame) => void) | null = null
  closedByClient: number | null = null

  constructor(url: string | URL, protocols: string | string[] = []) {
    this.url = String(url)
    this.protocols = typeof protocols === 'string' ? [protocols] : protocols
    FakeWebSocket.instances.push(this)
    FakeWebSocket.onCreate?.(this)
  }

  get binary(): boolean {
    return this.protocols[0] === MSGPACK_SUBPROTOCOL
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open')
    const frame = (typeof data === 'string' ? JSON.parse(data) : decode(data)) as Frame
    this.sent.push(frame)
    this.onSend?.(frame)
  }

  close(code = 1000): void {
    this.closedByClient = code
    this.readyState = 3
  }

  // ---- the server's side -----------------------------------------------------------------

  /** Completes the handshake and sends `ready`. */
  accept(ready: Partial<ReadyFrame> = {}): void {
    this.readyState = 1
    this.onopen?.(new Event('open'))
    this.push({
      type: 'ready',
      user: { id: 1, name: '王芳' },
      last_event_id: 0,
      limits: { frame_bytes: 16384, message_chars: 2000, send_rate: '10/5s' },
      ...ready,
    })
  }

  push(frame: Record<string, unknown>): void {
    const data = this.binary ? encode(frame).slice().buffer : JSON.stringify(frame)
    this.onmessage?.(new MessageEvent('message', { data }))
  }

  /** The server (or the network) closes the connection. */
  drop(code = 1006): void {
    this.readyState = 3
    this.onclose?.({ code, reason: '', wasClean: code !== 1006 } as CloseEvent)
  }

  frames(op: string): Frame[] {
    return this.sent.filter((frame) => frame.op === op)
  }
}

/** Puts FakeWebSocket in place of the browser's (undone by `unstubGlobals` after each test). */
export function installFakeWebSocket(): typeof FakeWebSocket {
  FakeWebSocket.reset()
  vi.stubGlobal('WebSocket', FakeWebSocket)
  return FakeWebSocket
}

// ---- a fake chat server -----------------------------------------------------------------

export const wangFangPerson: Person = { id: 1, name: '王芳' }
export const zhaoLeiPerson: Person = { id: 9, name: '赵磊' }
export const liWeiPerson: Person = { id: 2, name: '李伟' }

export function conversation(id: number, kind: Conversation['kind'], title: string, unread = 0): Conversation {
  return { id, kind, title, description: '', place: 100, locked: false, unread }
}

export function message(id: number, conversationId: number, author: Person, body: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    conversation: conversationId,
    author,
    client_id: `c-${id}`,
    body,
    reply_to: null,
    mentions: [],
    likes: 0,
    created_at: `2026-11-27T08:${String(id % 60).padStart(2, '0')}:00+00:00`,
    edited_at: null,
    deleted: false,
    ...extra,
  }
}

type OpHandler = (frame: Frame, server: FakeChatServer) => Record<string, unknown> | null | undefined

export interface FakeChatOptions {
  me?: Person
  conversations?: Conversation[]
  messages?: ChatMessage[]
  online?: Record<number, number[]>
  /** Override (or add) the answer to an op; return null for no reply. */
  handlers?: Record<string, OpHandler>
  /** Accept each new connection at once (default true). */
  autoAccept?: boolean
  lastEventId?: number
}

export class FakeChatServer {
  me: Person
  conversations: Conversation[]
  messages: ChatMessage[]
  online: Record<number, number[]>
  handlers: Record<string, OpHandler>
  nextEventId: number
  nextMessageId: number

  constructor(options: FakeChatOptions = {}) {
    this.me = options.me ?? wangFangPerson
    this.conversations = options.conversations ?? []
    this.messages = options.messages ?? []
    this.online = options.online ?? {}
    this.handlers = options.handlers ?? {}
    this.nextEventId = (options.lastEventId ?? 5000) + 1
    this.nextMessageId = Math.max(1000, ...this.messages.map((m) => m.id)) + 1
    const lastEventId = options.lastEventId ?? 5000
    FakeWebSocket.onCreate = (socket) => {
      socket.onSend = (frame) => queueMicrotask(() => this.answer(socket, frame))
      if (options.autoAccept !== false) queueMicrotask(() => socket.accept({ user: this.me, last_event_id: lastEventId }))
    }
  }

  get socket(): FakeWebSocket {
    return FakeWebSocket.last
  }

  /** Sends a persisted event (with a fresh id) to the current connection. */
  event(frame: Record<string, unknown>): number {
    const id = this.nextEventId++
    this.socket.push({ id, stream: 'conv.x', ...frame })
    return id
  }

  sent(op: string): Frame[] {
    return FakeWebSocket.instances.flatMap((socket) => socket.frames(op))
  }

  private answer(socket: FakeWebSocket, frame: Frame): void {
    if (socket.readyState !== 1) return
    const op = String(frame.op)
    const handler = this.handlers[op] ?? DEFAULT_HANDLERS[op]
    const reply = handler ? handler(frame, this) : { type: 'error', code: 'unknown_op', detail: op }
    if (!reply) return
    socket.push(frame.ref === undefined ? reply : { ...reply, ref: frame.ref })
  }
}

const DEFAULT_HANDLERS: Record<string, OpHandler> = {
  ping: () => ({ type: 'pong' }),
  resume: (_frame, server) => ({ type: 'resumed', last_event_id: server.nextEventId - 1, complete: true }),
  conversations: (_frame, server) => ({
    type: 'conversations',
    conversations: server.conversations,
    unread_total: server.conversations.reduce((sum, c) => sum + c.unread, 0),
  }),
  history: (frame, server) => {
    const limit = Number(frame.limit ?? 50)
    const before = typeof frame.before === 'number' ? frame.before : Infinity
    const all = server.messages
      .filter((m) => m.conversation === frame.conversation && m.id < before)
      .sort((a, b) => a.id - b.id)
    const page = all.slice(-limit)
    return { type: 'history', conversation: frame.conversation, messages: page, has_more: all.length > limit }
  },
  presence: (frame, server) => ({
    type: 'presence',
    conversation: frame.conversation,
    online: server.online[Number(frame.conversation)] ?? [],
  }),
  send: (frame, server) => {
    const existing = server.messages.find((m) => m.client_id === frame.client_id && m.author.id === server.me.id)
    if (existing) return { type: 'ack', message: existing, duplicate: true }
    const posted = message(server.nextMessageId++, Number(frame.conversation), server.me, String(frame.body), {
      client_id: String(frame.client_id),
      mentions: (frame.mentions as number[] | undefined) ?? [],
      reply_to: frame.reply_to
        ? (() => {
            const quoted = server.messages.find((m) => m.id === frame.reply_to)
            return quoted ? { id: quoted.id, author: quoted.author, excerpt: quoted.body.slice(0, 40) } : null
          })()
        : null,
    })
    server.messages.push(posted)
    server.event({ type: 'message.new', message: posted })
    return { type: 'ack', message: posted, duplicate: false }
  },
  edit: (frame) => ({ type: 'ack', message_id: frame.message }),
  delete: (frame) => ({ type: 'ack', message_id: frame.message }),
  like: (frame) => ({ type: 'ack', message_id: frame.message, likes: frame.liked === false ? 0 : 1 }),
  read: (frame) => ({ type: 'ack', conversation: frame.conversation, up_to: frame.up_to }),
  search: (frame, server) => ({
    type: 'search',
    conversation: frame.conversation,
    q: frame.q,
    messages: server.messages
      .filter((m) => m.conversation === frame.conversation && m.body.includes(String(frame.q)))
      .sort((a, b) => b.id - a.id),
  }),
  typing: () => null,
  knock: (frame, server) => {
    const found = server.conversations.find((c) => c.kind === 'direct' && c.id === 700 + Number(frame.user))
    const conv = found ?? conversation(700 + Number(frame.user), 'direct', `邻居${String(frame.user)}`)
    if (!found) server.conversations.push(conv)
    return { type: 'conversation', conversation: conv }
  },
}

/** Installs FakeWebSocket and a fake chat server answering on it. */
export function fakeChatServer(options: FakeChatOptions = {}): FakeChatServer {
  installFakeWebSocket()
  return new FakeChatServer(options)
}
