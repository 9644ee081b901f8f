/**
 * The app's one WebSocket: connects, reconnects with backoff, resumes, de-duplicates, and
 * matches replies to requests. Stores subscribe to typed events; components never see it.
 *
 * - Every persisted event carries an `id`. The highest one seen is sent as
 *   `{"op": "resume", "after": id}` after each reconnect, and an id seen before is dropped.
 * - A request gets a `ref`; its reply (or `error`) settles the returned promise. Requests
 *   made while disconnected wait for the connection; all of them are idempotent, so those
 *   unanswered when a connection drops are sent again on the next one.
 * - `send` frames are kept until acknowledged and re-sent with the same `client_id`, which
 *   the server uses to create the message only once.
 * - Close code 4401 (not logged in) stops reconnecting and tells the app to log in again.
 */
import { byteLength, jsonCodec, loadCodec, type Codec, type CodecName } from './codec'
import {
  CLOSE_UNAUTHENTICATED,
  RETRYABLE_SEND_ERRORS,
  RealtimeError,
  type AckFrame,
  type FrameOf,
  type OpName,
  type Ops,
  type ReadyFrame,
  type SendFields,
  type ServerFrame,
  type ServerFrameType,
} from './protocol'
import { RecentIds } from './recentIds'

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline'

/** What the client needs of a WebSocket (the browser's, or a fake in tests). */
export interface SocketLike {
  binaryType: BinaryType
  onopen: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  onclose: ((event: CloseEvent) => void) | null
  onerror: ((event: Event) => void) | null
  send(data: string | Uint8Array): void
  close(code?: number, reason?: string): void
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike

export interface RealtimeOptions {
  /** The /ws/ address, worked out at each connection. */
  url: () => string
  codec?: CodecName
  createSocket?: SocketFactory
  /** How long a request waits for its reply, connecting included. */
  requestTimeoutMs?: number
  /** After this long without any frame, a `ping` checks the connection (0: never). */
  heartbeatMs?: number
  initialDelayMs?: number
  maxDelayMs?: number
  /** ±this share of each delay, at random. */
  jitter?: number
  random?: () => number
  /** How many recent event ids are kept for de-duplication. */
  recentIds?: number
}

export interface OpenInfo {
  ready: ReadyFrame
  /** False for the first connection of a session, true after a drop. */
  reconnected: boolean
}

interface PendingRequest {
  op: OpName
  fields: Record<string, unknown>
  refs: number[]
  /** A `send`: never times out, retried until acknowledged or refused. */
  persistent: boolean
  written: boolean
  timer: ReturnType<typeof setTimeout> | null
  retries: number
  resolve: (frame: never) => void
  reject: (error: RealtimeError) => void
}

type Handler = (frame: never) => void

const defaultSocket: SocketFactory = (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike

export function newClientId(): string {
  const random =
    typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
  return `c-${random}`
}

export class RealtimeClient {
  private readonly options: Required<Omit<RealtimeOptions, 'codec'>> & { codec: CodecName }
  private codec: Codec | null = null
  private socket: SocketLike | null = null
  /** Bumped for every socket, so late callbacks of an old one are ignored. */
  private generation = 0
  private started = false
  private attempt = 0
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null
  private hadConnection = false
  private nextRef = 0
  private readonly requests = new Set<PendingRequest>()
  private readonly byRef = new Map<number, PendingRequest>()
  private readonly recent: RecentIds
  private readonly handlers = new Map<string, Set<Handler>>()
  private readonly stateHandlers = new Set<(state: ConnectionState) => void>()
  private readonly openHandlers = new Set<(info: OpenInfo) => void>()
  private readonly unauthorizedHandlers = new Set<() => void>()
  private readonly networkListener = () => this.reconnectNow()

  state: ConnectionState = 'offline'
  /** Where the next `resume` starts: the highest persisted event id seen, held still while a
   * resume is under way (live events interleave with its replay, so a higher id then does not
   * mean everything below it arrived). */
  lastEventId = 0
  /** The highest event id seen, resume or not. */
  private highestSeen = 0
  /** A `resume` was sent on this connection and its `resumed` has not come yet. */
  private resuming = false
  ready: ReadyFrame | null = null

  constructor(options: RealtimeOptions) {
    this.options = {
      codec: 'json',
      createSocket: defaultSocket,
      requestTimeoutMs: 15_000,
      heartbeatMs: 30_000,
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      jitter: 0.5,
      random: Math.random,
      recentIds: 2000,
      ...options,
    }
    this.recent = new RecentIds(this.options.recentIds)
  }

  // ---- subscribing --------------------------------------------------------------------

  /** Calls `handler` with every frame of this type that is not a reply; returns "unsubscribe". */
  on<T extends ServerFrameType>(type: T, handler: (frame: FrameOf<T>) => void): () => void {
    let set = this.handlers.get(type)
    if (!set) this.handlers.set(type, (set = new Set()))
    set.add(handler as Handler)
    return () => set.delete(handler as Handler)
  }

  onState(handler: (state: ConnectionState) => void): () => void {
    this.stateHandlers.add(handler)
    return () => this.stateHandlers.delete(handler)
  }

  /** After each `ready` (and, on a reconnect, after `resume` was sent). */
  onOpen(handler: (info: OpenInfo) => void): () => void {
    this.openHandlers.add(handler)
    return () => this.openHandlers.delete(handler)
  }

  /** The server closed with 4401: the session is gone. */
  onUnauthorized(handler: () => void): () => void {
    this.unauthorizedHandlers.add(handler)
    return () => this.unauthorizedHandlers.delete(handler)
  }

  // ---- lifecycle ----------------------------------------------------------------------

  /** Connects (a fresh session: no resume). Does nothing when already started. */
  start(): void {
    if (this.started) return
    this.started = true
    this.attempt = 0
    this.hadConnection = false
    this.lastEventId = 0
    this.highestSeen = 0
    this.resuming = false
    this.recent.clear()
    if (typeof window !== 'undefined') window.addEventListener('online', this.networkListener)
    this.setState('connecting')
    void this.connect()
  }

  /** Disconnects for good (log-out); waiting requests fail with `offline`. */
  stop(): void {
    this.halt()
    this.setState('offline')
  }

  /** Skips the rest of the backoff wait (the network came back, the user tapped "retry"). */
  reconnectNow(): void {
    if (!this.started || this.socket || this.codec === null) return
    this.clearReconnectTimer()
    void this.connect()
  }

  // ---- requests -----------------------------------------------------------------------

  /** Sends `op` and resolves with its reply; rejects with the server's error or `timeout`. */
  request<K extends OpName>(
    op: K,
    fields: Ops[K]['fields'],
    { timeoutMs = this.options.requestTimeoutMs } = {},
  ): Promise<Ops[K]['reply']> {
    return new Promise((resolve, reject) => {
      const request = this.track(op, fields as Record<string, unknown>, false, resolve, reject)
      request.timer = setTimeout(() => this.settle(request, new RealtimeError('timeout', '')), timeoutMs)
      if (this.state === 'open') this.write(request)
    })
  }

  /**
   * Posts a message. It is kept until the server acknowledges it — across reconnects, and
   * re-sent with the same `client_id` — and fails only when the server refuses it.
   */
  sendMessage(fields: Omit<SendFields, 'client_id'> & { client_id?: string }): {
    clientId: string
    acked: Promise<AckFrame>
  } {
    const clientId = fields.client_id ?? newClientId()
    const acked = new Promise<AckFrame>((resolve, reject) => {
      const request = this.track('send', { ...fields, client_id: clientId }, true, resolve, reject)
      if (this.state === 'open') this.write(request)
    })
    return { clientId, acked }
  }

  /** A frame with no reply (`typing`), sent only when connected; false when it was not. */
  notify(op: 'typing', fields: Ops['typing']['fields']): boolean {
    if (this.state !== 'open' || !this.socket || !this.codec) return false
    this.socket.send(this.codec.encode({ op, ...fields }))
    return true
  }

  /** How many `send` frames still wait for their ack. */
  get unacknowledged(): number {
    let count = 0
    for (const request of this.requests) if (request.persistent) count++
    return count
  }

  // ---- internals: connecting ------------------------------------------------------------

  private async connect(): Promise<void> {
    const generation = ++this.generation
    if (!this.codec) {
      try {
        this.codec = await loadCodec(this.options.codec)
      } catch {
        this.codec = jsonCodec // the MessagePack bundle failed to load: JSON works everywhere
      }
      if (generation !== this.generation || !this.started) return
    }
    const codec = this.codec
    let socket: SocketLike
    try {
      socket = this.options.createSocket(this.options.url(), [codec.subprotocol])
    } catch {
      this.scheduleReconnect()
      return
    }
    socket.binaryType = codec.binaryType
    this.socket = socket
    socket.onmessage = (event) => {
      if (generation !== this.generation) return
      const frame = codec.decode(event.data)
      if (frame && typeof frame.type === 'string') this.receive(frame as unknown as ServerFrame)
    }
    socket.onclose = (event) => {
      if (generation === this.generation) this.closed(event.code)
    }
    socket.onerror = () => undefined // a close event follows
  }

  private closed(code: number): void {
    this.detachSocket()
    if (code === CLOSE_UNAUTHENTICATED) {
      this.halt(new RealtimeError('unauthorized', ''))
      this.setState('offline')
      for (const handler of [...this.unauthorizedHandlers]) handler()
      return
    }
    if (this.started) this.scheduleReconnect()
  }

  private detachSocket(): void {
    const socket = this.socket
    this.socket = null
    this.resuming = false
    this.generation++
    this.clearHeartbeat()
    if (socket) {
      socket.onmessage = socket.onclose = socket.onerror = socket.onopen = null
    }
    // Replies to what was written on that connection will never come: write it again later.
    this.byRef.clear()
    for (const request of this.requests) {
      request.written = false
      if (request.persistent && request.timer) {
        clearTimeout(request.timer)
        request.timer = null
      }
    }
  }

  private scheduleReconnect(): void {
    this.clearReconnectTimer()
    const { initialDelayMs, maxDelayMs, jitter, random } = this.options
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt)
    const delay = base * (1 - jitter + 2 * jitter * random())
    this.attempt++
    this.setState('reconnecting')
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      void this.connect()
    }, delay)
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
  }

  private halt(reason = new RealtimeError('offline', '')): void {
    this.started = false
    this.clearReconnectTimer()
    if (typeof window !== 'undefined') window.removeEventListener('online', this.networkListener)
    const socket = this.socket
    this.detachSocket()
    socket?.close(1000)
    for (const request of [...this.requests]) this.settle(request, reason)
  }

  private opened(ready: ReadyFrame): void {
    const reconnected = this.hadConnection
    this.ready = ready
    this.attempt = 0
    this.hadConnection = true
    // Events before `ready` are in the state the app is about to load: nothing to resume.
    if (this.lastEventId === 0) this.lastEventId = this.highestSeen = ready.last_event_id || 0
    this.setState('open')
    if (reconnected && this.lastEventId > 0) {
      this.resuming = true
      this.writeRaw({ op: 'resume', after: this.lastEventId })
    }
    for (const request of this.requests) if (!request.written) this.write(request)
    this.armHeartbeat()
    for (const handler of [...this.openHandlers]) handler({ ready, reconnected })
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return
    this.state = state
    for (const handler of [...this.stateHandlers]) handler(state)
  }

  // ---- internals: heartbeat ---------------------------------------------------------------

  /** A connection that stays silent is checked with a ping; no pong means it is dead. */
  private armHeartbeat(): void {
    this.clearHeartbeat()
    const every = this.options.heartbeatMs
    if (!every || this.state !== 'open') return
    this.heartbeatTimer = setTimeout(() => {
      const generation = this.generation
      this.request('ping', {}, { timeoutMs: Math.min(every, 10_000) }).catch(() => {
        if (generation !== this.generation || !this.socket) return
        const socket = this.socket
        this.detachSocket()
        socket.close(4000, 'heartbeat')
        if (this.started) this.scheduleReconnect()
      })
    }, every)
  }

  private clearHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = null
  }

  // ---- internals: frames ------------------------------------------------------------------

  private track(
    op: OpName,
    fields: Record<string, unknown>,
    persistent: boolean,
    resolve: (frame: never) => void,
    reject: (error: RealtimeError) => void,
  ): PendingRequest {
    const request: PendingRequest = {
      op,
      fields,
      refs: [],
      persistent,
      written: false,
      timer: null,
      retries: 0,
      resolve,
      reject,
    }
    this.requests.add(request)
    return request
  }

  private write(request: PendingRequest): void {
    if (!this.socket || !this.codec) return
    const ref = ++this.nextRef
    const data = this.codec.encode({ op: request.op, ref, ...request.fields })
    const limit = this.ready?.limits?.frame_bytes
    if (limit && byteLength(data) > limit) {
      this.settle(request, new RealtimeError('frame_too_large', ''))
      return
    }
    request.refs.push(ref)
    request.written = true
    this.byRef.set(ref, request)
    this.socket.send(data)
    if (request.persistent) {
      // No ack on a live connection: ask again, same client_id (the server creates it once).
      if (request.timer) clearTimeout(request.timer)
      request.timer = setTimeout(() => {
        request.timer = null
        if (this.requests.has(request) && this.state === 'open') this.write(request)
      }, this.options.requestTimeoutMs)
    }
  }

  private writeRaw(frame: Record<string, unknown>): void {
    if (this.socket && this.codec) this.socket.send(this.codec.encode(frame))
  }

  private settle(request: PendingRequest, outcome: RealtimeError | ServerFrame): void {
    if (!this.requests.delete(request)) return
    if (request.timer) clearTimeout(request.timer)
    for (const ref of request.refs) this.byRef.delete(ref)
    if (outcome instanceof RealtimeError) request.reject(outcome)
    else request.resolve(outcome as never)
  }

  private receive(frame: ServerFrame): void {
    this.armHeartbeat()
    const ref = (frame as { ref?: unknown }).ref
    const request = typeof ref === 'number' ? this.byRef.get(ref) : undefined
    if (request) {
      this.reply(request, frame)
      return
    }
    if (ref !== undefined && ref !== null) return // a late answer to a request already settled

    const id = (frame as { id?: unknown }).id
    if (typeof id === 'number') {
      if (!this.recent.add(id)) return // seen before: delivery is at-least-once
      if (id > this.highestSeen) this.highestSeen = id
      if (!this.resuming) this.lastEventId = this.highestSeen
    }
    if (frame.type === 'resumed') {
      // The replay is in: everything up to the highest id seen has arrived. A connection lost
      // before this resumes from the old point again (and drops what it already has).
      this.resuming = false
      this.lastEventId = this.highestSeen
    }
    if (frame.type === 'ready') {
      this.opened(frame)
      return
    }
    for (const handler of [...(this.handlers.get(frame.type) ?? [])]) handler(frame as never)
  }

  private reply(request: PendingRequest, frame: ServerFrame): void {
    if (frame.type !== 'error') {
      this.settle(request, frame)
      return
    }
    if (request.persistent && RETRYABLE_SEND_ERRORS.has(frame.code)) {
      // Throttled or a server hiccup: wait, then the same client_id again.
      for (const ref of request.refs) this.byRef.delete(ref)
      request.written = false
      if (request.timer) clearTimeout(request.timer)
      const delay = Math.min(this.options.maxDelayMs, 1000 * 2 ** request.retries++)
      request.timer = setTimeout(() => {
        request.timer = null
        if (this.requests.has(request) && this.state === 'open' && !request.written) this.write(request)
      }, delay)
      return
    }
    this.settle(request, new RealtimeError(frame.code, frame.detail))
  }
}
