/** Pure helpers of the chat store: merging message lists and ordering conversations. */
import type { ChatMessage, Conversation, ConversationKind } from '../../realtime'

function time(iso: string | null): number {
  const value = iso ? Date.parse(iso) : NaN
  return Number.isNaN(value) ? 0 : value
}

/**
 * One message seen twice (a history page and a live event, in either order): a deletion is
 * final, and the later edit wins; everything else comes from the copy seen last.
 */
function combine(seen: ChatMessage, next: ChatMessage): ChatMessage {
  if (seen.deleted && !next.deleted) return { ...next, deleted: true, body: '' }
  if (time(seen.edited_at) > time(next.edited_at)) return { ...next, body: seen.body, edited_at: seen.edited_at }
  return next
}

/** `current` and `incoming` as one list: each message once, ordered by id. */
export function mergeMessages(current: readonly ChatMessage[] | undefined, incoming: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map<number, ChatMessage>()
  for (const message of current ?? []) byId.set(message.id, message)
  for (const message of incoming) {
    const seen = byId.get(message.id)
    byId.set(message.id, seen ? combine(seen, message) : message)
  }
  return [...byId.values()].sort((a, b) => a.id - b.id)
}

/** Changes the message `id` in `list` when it is there (edits of messages not loaded are moot). */
export function updateMessage(
  list: readonly ChatMessage[] | undefined,
  id: number,
  change: (message: ChatMessage) => ChatMessage,
): ChatMessage[] | undefined {
  if (!list?.some((message) => message.id === id)) return undefined
  return list.map((message) => (message.id === id ? change(message) : message))
}

const KIND_ORDER: Record<ConversationKind, number> = { estate: 0, topic: 1, direct: 2 }

/**
 * Estate groups first, then topic groups, then knocks. Groups keep a stable order by title;
 * knocks put the most recent conversation first.
 */
export function orderConversations(
  conversations: readonly Conversation[],
  lastMessageId: Readonly<Record<number, number>>,
): Conversation[] {
  return [...conversations].sort((a, b) => {
    const kind = (KIND_ORDER[a.kind] ?? 3) - (KIND_ORDER[b.kind] ?? 3)
    if (kind) return kind
    if (a.kind === 'direct') return (lastMessageId[b.id] ?? 0) - (lastMessageId[a.id] ?? 0) || b.id - a.id
    return a.title.localeCompare(b.title, 'zh-CN') || a.id - b.id
  })
}
