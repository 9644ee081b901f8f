/**
 * Live chat state: my conversations and their unread counts, the messages of each, who is
 * typing and who is online. Fed by the realtime module's events; views call the actions
 * here and never touch the socket.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  RealtimeError,
  getRealtime,
  type ChatMessage,
  type ConnectionState,
  type Conversation,
  type FrameOf,
  type Person,
  type RealtimeClient,
} from '../../realtime'
import { t } from '../../i18n'
import { recall, remember } from '../../offline'
import { useModerationStore } from '../../moderation/store'
import { useSessionStore } from '../session'
import { mergeMessages, orderConversations, updateMessage } from './merge'
import { useChatModeration } from './moderation'
import { usePeers } from './peers'
import { usePresence } from './presence'
import { useOutgoing, type OutgoingMessage, type SendOptions } from './outgoing'
import { TYPING_TTL_MS, useTyping } from './typing'

// The conversation list last seen on this device (src/offline.ts).
const OFFLINE_LIST = 'chat.conversations'

export { TYPING_TTL_MS }
export type { OutgoingMessage, SendOptions }

const HISTORY_PAGE = 50

/** The server's message, or a general one (a timeout has no detail). */
export function errorText(error: unknown): string {
  if (error instanceof RealtimeError) {
    if (error.detail) return error.detail
    if (error.code === 'timeout' || error.code === 'offline') return t('chat.errors.offline')
  }
  return t('chat.errors.failed')
}

export const useChatStore = defineStore('chat', () => {
  const session = useSessionStore()

  const connection = ref<ConnectionState>('offline')
  const listLoaded = ref(false)
  const listError = ref('')
  const conversations = ref<Record<number, Conversation>>({})
  // The list shown is the last one seen on this device, not yet the live one (offline).
  const stale = ref(false)
  const messages = ref<Record<number, ChatMessage[]>>({})
  const hasMore = ref<Record<number, boolean>>({})
  const historyLoaded = ref<Record<number, boolean>>({})
  const likedByMe = ref<Record<number, boolean>>({})
  const readUpTo = ref<Record<number, number>>({})
  const mentioned = ref<Record<number, boolean>>({})
  const lastMessageId = ref<Record<number, number>>({})
  /** Names of people seen in chat, by id (authors, typists, knocks). */
  const names = ref<Record<number, string>>({})
  /** Conversations I left or was removed from while the app was open. */
  const left = ref<Record<number, boolean>>({})
  /** Bumped on each letter event: the letter pages reload. */
  const letterChanges = ref(0)
  /** The conversation on screen (open, visible, scrolled to its newest message). */
  const viewing = ref<number | null>(null)

  let client: RealtimeClient | null = null
  let unsubscribe: (() => void)[] = []
  let reloadTimer: ReturnType<typeof setTimeout> | null = null

  const myId = computed(() => session.me?.id ?? client?.ready?.user.id ?? 0)
  const { peers, rememberPeer, ...peerState } = usePeers()
  const { typing, typingFrom, stopTyping, typists, notifyTyping, ...typingState } = useTyping(
    myId,
    (conversation) => client?.notify('typing', { conversation }) ?? false,
  )
  const { online, watchPresence, presenceChanged, isOnline, ...presence } = usePresence(rt, () => connection.value === 'open')
  const restrictions = useModerationStore()
  const { outgoing, retry, discard, ...sending } = useOutgoing(
    rt,
    (message) => receive(message, true),
    (error) => {
      restrictions.noteRefusal(error) // refused as muted or suspended: the banner catches up
      return errorText(error)
    },
  )
  const moderation = useChatModeration({ conversations, messages, hasMore })
  const messageLimit = computed(() => client?.ready?.limits?.message_chars ?? 2000)
  const ordered = computed(() => orderConversations(Object.values(conversations.value), lastMessageId.value))
  const unreadTotal = computed(() =>
    Object.values(conversations.value).reduce((sum, c) => sum + Math.max(0, c.unread || 0), 0),
  )

  // ---- connection -----------------------------------------------------------------------

  function rt(): RealtimeClient {
    if (!client) throw new RealtimeError('offline', '')
    return client
  }

  /** Connects and follows the live events (once; called when someone is logged in). */
  function start(): void {
    if (client) return
    restoreLastSeen()
    client = getRealtime()
    const c = client
    connection.value = c.state
    unsubscribe = [
      c.onState((state) => (connection.value = state)),
      c.onOpen(opened),
      c.on('message.new', (e) => receive(e.message, true)),
      c.on('message.edited', (e) => receive(e.message, false)),
      c.on('message.deleted', (e) => patch(e.conversation, e.message_id, (m) => ({ ...m, deleted: true, body: '' }))),
      c.on('message.liked', liked),
      c.on('message.moderated', moderation.moderated),
      c.on('message.restored', moderation.restored),
      c.on('message.pinned', moderation.pinnedChanged),
      c.on('conversation.locked', moderation.lockChanged),
      c.on('mention', (e) => {
        if (viewing.value !== e.message.conversation) mentioned.value[e.message.conversation] = true
      }),
      c.on('read.updated', (e) => readElsewhere(e.conversation, e.up_to)),
      c.on('conversation.joined', (e) => joined(e.conversation)),
      c.on('conversation.left', (e) => leave(typeof e.conversation === 'number' ? e.conversation : e.conversation.id)),
      c.on('membership.changed', membershipChanged),
      c.on('application.decided', membershipChanged),
      c.on('letter.new', () => letterChanges.value++),
      c.on('letter.read', () => letterChanges.value++),
      c.on('typing', (e) => {
        names.value[e.user.id] = e.user.name
        typingFrom(e)
      }),
      c.on('presence.changed', presenceChanged),
      c.on('resumed', (e) => {
        if (!e.complete) void reloadOpenHistories()
      }),
    ]
    c.start()
  }

  /** Disconnects and forgets everything (log-out). */
  function stop(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    client?.stop()
    client = null
    typingState.reset()
    presence.reset()
    peerState.reset()
    moderation.reset()
    if (reloadTimer) clearTimeout(reloadTimer)
    reloadTimer = null
    connection.value = 'offline'
    listLoaded.value = false
    listError.value = ''
    conversations.value = {}
    messages.value = {}
    hasMore.value = {}
    historyLoaded.value = {}
    sending.reset()
    likedByMe.value = {}
    readUpTo.value = {}
    mentioned.value = {}
    lastMessageId.value = {}
    left.value = {}
    viewing.value = null
    names.value = {}
  }

  /** "Reconnect now" (after going offline, or to skip the backoff wait). */
  function reconnect(): void {
    if (!client) return start()
    if (client.state === 'offline') client.start()
    else client.reconnectNow()
  }

  function opened(): void {
    void loadConversations()
    // Presence is ephemeral: ask again for what is on screen (after a reconnect, afresh).
    presence.reconnected()
    if (viewing.value !== null) markRead(viewing.value)
  }

  // ---- conversations ----------------------------------------------------------------------

  async function loadConversations(): Promise<void> {
    try {
      const reply = await rt().request('conversations', {})
      const next: Record<number, Conversation> = {}
      for (const c of reply.conversations) {
        next[c.id] = viewing.value === c.id ? { ...c, unread: 0 } : c
        if (c.kind === 'direct' && !peers.value[c.id]) notePeerFromMessages(c.id)
      }
      conversations.value = next
      listLoaded.value = true
      listError.value = ''
      stale.value = false
      remember(OFFLINE_LIST, myId.value, reply.conversations)
    } catch (error) {
      listError.value = errorText(error)
    }
  }

  /** Offline, the list last seen on this device (until the live one arrives). */
  function restoreLastSeen(): void {
    const kept = recall<Conversation[]>(OFFLINE_LIST, myId.value)
    if (!kept || listLoaded.value) return
    conversations.value = Object.fromEntries(kept.map((c) => [c.id, c]))
    listLoaded.value = true
    stale.value = true
  }

  /** Reload the list soon (several events may ask at once). */
  function reloadConversationsSoon(): void {
    if (reloadTimer) return
    reloadTimer = setTimeout(() => {
      reloadTimer = null
      void loadConversations()
    }, 300)
  }

  function joined(conversation: Conversation): void {
    conversations.value[conversation.id] = { ...conversation, unread: conversation.unread ?? 0 }
    delete left.value[conversation.id]
  }

  function leave(id: number): void {
    delete conversations.value[id]
    left.value[id] = true
    presence.forget(id)
  }

  function membershipChanged(): void {
    session.refresh().catch(() => undefined)
    reloadConversationsSoon()
  }

  /** Knock on a neighbour's door: the conversation with them (made on first knock). */
  async function knock(user: number): Promise<Conversation> {
    const reply = await rt().request('knock', { user })
    const conversation = reply.conversation
    conversations.value[conversation.id] = { ...conversation, ...conversations.value[conversation.id] }
    rememberPeer(conversation.id, { id: user, name: conversation.title })
    return conversation
  }

  function notePeerFromMessages(conversationId: number): void {
    const other = messages.value[conversationId]?.find((m) => m.author.id !== myId.value)
    if (other) rememberPeer(conversationId, other.author)
  }

  /** The other person of a knock conversation, when known. */
  function peerOf(conversationId: number): Person | null {
    const conversation = conversations.value[conversationId] as (Conversation & { peer?: Person; other?: Person }) | undefined
    return conversation?.peer ?? conversation?.other ?? peers.value[conversationId] ?? null
  }

  // ---- messages ---------------------------------------------------------------------------

  function receive(message: ChatMessage, isNew: boolean): void {
    const id = message.conversation
    names.value[message.author.id] = message.author.name
    if (message.author.id === myId.value) sending.settled(message.client_id)
    if (isNew || messages.value[id]?.some((m) => m.id === message.id)) {
      messages.value[id] = mergeMessages(messages.value[id], [message])
    }
    if (!isNew) return
    lastMessageId.value[id] = Math.max(lastMessageId.value[id] ?? 0, message.id)
    const conversation = conversations.value[id]
    if (!conversation) {
      reloadConversationsSoon() // a conversation I was just added to
      return
    }
    if (message.author.id === myId.value) return
    if (conversation.kind === 'direct' && !peers.value[id]) rememberPeer(id, message.author)
    stopTyping(id, message.author.id)
    if (viewing.value === id) markRead(id)
    else if (message.id > (readUpTo.value[id] ?? 0)) conversation.unread = (conversation.unread || 0) + 1
  }

  function patch(conversation: number, messageId: number, change: (m: ChatMessage) => ChatMessage): void {
    const updated = updateMessage(messages.value[conversation], messageId, change)
    if (updated) messages.value[conversation] = updated
  }

  function liked(e: FrameOf<'message.liked'>): void {
    patch(e.conversation, e.message_id, (m) => ({ ...m, likes: e.likes }))
    if (e.user_id === myId.value) likedByMe.value[e.message_id] = e.liked
  }

  /** The newest page of a conversation (again, when `replace`: after missing too much). */
  async function loadLatest(id: number, { replace = false } = {}): Promise<void> {
    const reply = await rt().request('history', { conversation: id, limit: HISTORY_PAGE })
    for (const m of reply.messages) names.value[m.author.id] = m.author.name
    messages.value[id] = replace ? mergeMessages([], reply.messages) : mergeMessages(messages.value[id], reply.messages)
    hasMore.value[id] = reply.has_more
    historyLoaded.value[id] = true
    const newest = reply.messages.at(-1)?.id ?? 0
    lastMessageId.value[id] = Math.max(lastMessageId.value[id] ?? 0, newest)
    if (conversations.value[id]?.kind === 'direct' && !peers.value[id]) notePeerFromMessages(id)
  }

  /** The page before the oldest message shown. */
  async function loadOlder(id: number): Promise<void> {
    const oldest = messages.value[id]?.[0]?.id
    if (oldest === undefined) return loadLatest(id)
    const reply = await rt().request('history', { conversation: id, before: oldest, limit: HISTORY_PAGE })
    for (const m of reply.messages) names.value[m.author.id] = m.author.name
    messages.value[id] = mergeMessages(messages.value[id], reply.messages)
    hasMore.value[id] = reply.has_more
  }

  async function reloadOpenHistories(): Promise<void> {
    const loaded = Object.keys(historyLoaded.value).map(Number)
    historyLoaded.value = {}
    for (const id of loaded) {
      if (id === viewing.value || conversations.value[id]) await loadLatest(id, { replace: true }).catch(() => undefined)
    }
  }

  /** Opening a conversation: its newest messages (once) and who is online. */
  async function open(id: number): Promise<void> {
    watchPresence([id])
    if (!historyLoaded.value[id]) await loadLatest(id)
  }

  function send(conversation: number, body: string, options: SendOptions = {}): OutgoingMessage {
    typingState.sent(conversation)
    return sending.send(conversation, body, options)
  }

  async function edit(message: ChatMessage, body: string): Promise<void> {
    await rt().request('edit', { message: message.id, body })
    patch(message.conversation, message.id, (m) => ({ ...m, body, edited_at: new Date().toISOString() }))
  }

  async function remove(message: ChatMessage): Promise<void> {
    await rt().request('delete', { message: message.id })
    patch(message.conversation, message.id, (m) => ({ ...m, deleted: true, body: '' }))
  }

  async function toggleLike(message: ChatMessage): Promise<void> {
    const like = !likedByMe.value[message.id]
    likedByMe.value[message.id] = like
    try {
      const ack = await rt().request('like', { message: message.id, liked: like })
      if (typeof ack.likes === 'number') patch(message.conversation, message.id, (m) => ({ ...m, likes: ack.likes ?? m.likes }))
    } catch (error) {
      likedByMe.value[message.id] = !like
      throw error
    }
  }

  async function search(conversation: number, q: string): Promise<ChatMessage[]> {
    const reply = await rt().request('search', { conversation, q })
    return reply.messages
  }

  // ---- reading ----------------------------------------------------------------------------

  /** The conversation now on screen (or none): it is marked read up to its newest message. */
  function setViewing(id: number | null): void {
    viewing.value = id
    if (id === null) return
    delete mentioned.value[id]
    markRead(id)
  }

  function markRead(id: number): void {
    const newest = messages.value[id]?.at(-1)?.id ?? 0
    const conversation = conversations.value[id]
    if (conversation && newest >= (lastMessageId.value[id] ?? 0)) conversation.unread = 0
    if (!newest || newest <= (readUpTo.value[id] ?? 0) || connection.value !== 'open') return
    readUpTo.value[id] = newest
    rt().request('read', { conversation: id, up_to: newest }).catch(() => {
      if (readUpTo.value[id] === newest) delete readUpTo.value[id] // sent again next time
    })
  }

  /** I read up to `upTo` (here or on another device). */
  function readElsewhere(id: number, upTo: number): void {
    readUpTo.value[id] = Math.max(readUpTo.value[id] ?? 0, upTo)
    const conversation = conversations.value[id]
    if (!conversation) return
    if (upTo >= (lastMessageId.value[id] ?? 0)) conversation.unread = 0
    else reloadConversationsSoon()
  }

  // ---- people ----------------------------------------------------------------------------

  /** People known in a conversation (online first), for @mentions: never me. */
  function membersOf(conversation: number): Person[] {
    const found = new Map<number, string>()
    for (const id of online.value[conversation] ?? []) if (names.value[id]) found.set(id, names.value[id])
    for (const m of [...(messages.value[conversation] ?? [])].reverse()) {
      found.set(m.author.id, m.author.name)
      if (m.reply_to) found.set(m.reply_to.author.id, m.reply_to.author.name)
    }
    for (const [id, name] of Object.entries(typing.value[conversation] ?? {})) found.set(Number(id), name)
    const peer = peerOf(conversation)
    if (peer) found.set(peer.id, peer.name)
    found.delete(myId.value)
    return [...found].map(([id, name]) => ({ id, name }))
  }

  return {
    connection,
    stale,
    listLoaded,
    listError,
    conversations,
    messages,
    hasMore,
    historyLoaded,
    outgoing,
    typing,
    online,
    likedByMe,
    readUpTo,
    mentioned,
    names,
    left,
    letterChanges,
    viewing,
    myId,
    messageLimit,
    ordered,
    unreadTotal,
    start,
    stop,
    reconnect,
    loadConversations,
    knock,
    peerOf,
    open,
    loadLatest,
    loadOlder,
    send,
    retry,
    discard,
    edit,
    remove,
    toggleLike,
    search,
    setViewing,
    markRead,
    typists,
    notifyTyping,
    watchPresence,
    isOnline,
    membersOf,
    pinned: moderation.pinned,
    mutes: moderation.mutes,
    canModerate: moderation.canModerate,
    loadPinned: moderation.loadPinned,
    moderate: moderation.moderate,
    lock: moderation.lock,
    loadMutes: moderation.loadMutes,
    mute: moderation.mute,
    unmute: moderation.unmute,
  }
})
