/**
 * The frames of the /ws/ protocol (docs/protocol.md), as TypeScript types.
 *
 * Server → client frames have a `type`; persisted events also carry `id` and `stream`.
 * Client → server frames have an `op`. Unknown keys are allowed both ways, so every shape
 * here lists only what the app reads.
 */
import type { BoardFrame } from '../boards/types'
import type { CaseFrame } from '../cases/types'
import type { ConsoleFrame } from '../console/types'
import type { Moderated, ModerationFrame } from '../moderation/types'
import type { VolunteerFrame } from '../volunteer/types'

export const JSON_SUBPROTOCOL = 'shequtong.v1.json'
export const MSGPACK_SUBPROTOCOL = 'shequtong.v1.msgpack'

/** Close code: no (or an expired) session. Log in again before reconnecting. */
export const CLOSE_UNAUTHENTICATED = 4401

export interface Person {
  id: number
  name: string
  /** Shows the party-member badge (党员亮身份). */
  party?: boolean
}

export interface ReplyQuote {
  id: number
  author: Person
  excerpt: string
  /** The quoted message was deleted or taken down (an empty excerpt otherwise: it had only files). */
  deleted?: boolean
}

/** A photo (with a thumbnail) or a PDF sent with a message; its URLs check who asks. */
export interface ChatAttachment {
  id: number
  kind: 'image' | 'file'
  url: string
  thumbnail_url: string | null
  width: number | null
  height: number | null
  /** A PDF's name. */
  name: string | null
  size: number
}

export interface ChatMessage {
  id: number
  conversation: number
  author: Person
  client_id: string
  /** May be empty when the message carries attachments. */
  body: string
  attachments?: ChatAttachment[]
  reply_to: ReplyQuote | null
  mentions: number[]
  likes: number
  created_at: string
  edited_at: string | null
  deleted: boolean
  /** Hidden or removed by a moderator (only moderators ever get such a message). */
  moderated?: Moderated
  pinned?: boolean
}

export type ConversationKind = 'estate' | 'topic' | 'direct'

export interface Conversation {
  id: number
  kind: ConversationKind
  title: string
  description: string
  place: number
  locked: boolean
  unread: number
  /** I may moderate it (hide, pin, lock, mute). */
  moderate?: boolean
  /** I am muted here until then. */
  muted_until?: string | null
}

export interface Limits {
  frame_bytes: number
  message_chars: number
  send_rate: string | number
}

// ---- server → client -------------------------------------------------------------------

/** Fields every persisted event carries. */
export interface Persisted {
  id: number
  stream: string
}

export interface ReadyFrame {
  type: 'ready'
  user: Person
  last_event_id: number
  limits: Limits
}
export interface PongFrame {
  type: 'pong'
}
export interface AckFrame {
  type: 'ack'
  ref?: unknown
  /** send */
  message?: ChatMessage
  duplicate?: boolean
  /** edit, delete, like */
  message_id?: number
  likes?: number
  /** read */
  conversation?: number
  up_to?: number
}
export interface ErrorFrame {
  type: 'error'
  code: string
  detail: string
  ref?: unknown
}
export interface ConversationsFrame {
  type: 'conversations'
  conversations: Conversation[]
  unread_total: number
}
export interface HistoryFrame {
  type: 'history'
  conversation: number
  messages: ChatMessage[]
  has_more: boolean
}
export interface SearchFrame {
  type: 'search'
  conversation: number
  q: string
  messages: ChatMessage[]
}
export interface ConversationFrame {
  type: 'conversation'
  conversation: Conversation
}
export interface PresenceFrame {
  type: 'presence'
  conversation: number
  online: number[]
}
export interface ResumedFrame {
  type: 'resumed'
  last_event_id: number
  complete: boolean
}
export interface TypingFrame {
  type: 'typing'
  conversation: number
  user: Person
}
export interface PresenceChangedFrame {
  type: 'presence.changed'
  conversation: number
  online: number[]
  offline: number[]
}

export interface MessageNewEvent extends Persisted {
  type: 'message.new'
  message: ChatMessage
}
export interface MessageEditedEvent extends Persisted {
  type: 'message.edited'
  message: ChatMessage
}
export interface MessageDeletedEvent extends Persisted {
  type: 'message.deleted'
  conversation: number
  message_id: number
}
export interface MessageLikedEvent extends Persisted {
  type: 'message.liked'
  conversation: number
  message_id: number
  likes: number
  user_id: number
  liked: boolean
}
export interface MentionEvent extends Persisted {
  type: 'mention'
  message: ChatMessage
}
export interface ReadUpdatedEvent extends Persisted {
  type: 'read.updated'
  conversation: number
  up_to: number
}
export interface ConversationJoinedEvent extends Persisted {
  type: 'conversation.joined'
  conversation: Conversation
}
export interface ConversationLeftEvent extends Persisted {
  type: 'conversation.left'
  /** The conversation's id (a whole Conversation is accepted too). */
  conversation: number | Conversation
}
export interface MembershipChangedEvent extends Persisted {
  type: 'membership.changed'
  estate_id: number
  status: string
  reason?: string
}
export interface ApplicationDecidedEvent extends Persisted {
  type: 'application.decided'
  application_id: number
  estate_id: number
  status: string
}
export interface LetterNewEvent extends Persisted {
  type: 'letter.new'
  letter?: unknown
}
export interface LetterReadEvent extends Persisted {
  type: 'letter.read'
  letter_id?: number
  read_at?: string
}

export type ServerFrame =
  | ReadyFrame
  | PongFrame
  | AckFrame
  | ErrorFrame
  | ConversationsFrame
  | HistoryFrame
  | SearchFrame
  | ConversationFrame
  | PresenceFrame
  | ResumedFrame
  | TypingFrame
  | PresenceChangedFrame
  | MessageNewEvent
  | MessageEditedEvent
  | MessageDeletedEvent
  | MessageLikedEvent
  | MentionEvent
  | ReadUpdatedEvent
  | ConversationJoinedEvent
  | ConversationLeftEvent
  | MembershipChangedEvent
  | ApplicationDecidedEvent
  | LetterNewEvent
  | LetterReadEvent
  | BoardFrame
  | ConsoleFrame
  | ModerationFrame
  | VolunteerFrame
  | CaseFrame

export type ServerFrameType = ServerFrame['type']
export type FrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>

// ---- client → server -------------------------------------------------------------------

export interface SendFields {
  conversation: number
  body: string
  client_id: string
  reply_to?: number
  mentions?: number[]
  /** Ids of my uploads into this conversation (POST /api/chat/conversations/{id}/attachments). */
  attachments?: number[]
}

/** Each op's fields (besides `op` and `ref`) and the frame that answers it. */
export interface Ops {
  ping: { fields: Record<string, never>; reply: PongFrame }
  resume: { fields: { after: number }; reply: ResumedFrame }
  conversations: { fields: Record<string, never>; reply: ConversationsFrame }
  send: { fields: SendFields; reply: AckFrame }
  edit: { fields: { message: number; body: string }; reply: AckFrame }
  delete: { fields: { message: number }; reply: AckFrame }
  like: { fields: { message: number; liked: boolean }; reply: AckFrame }
  read: { fields: { conversation: number; up_to: number }; reply: AckFrame }
  history: { fields: { conversation: number; before?: number; limit?: number }; reply: HistoryFrame }
  search: { fields: { conversation: number; q: string }; reply: SearchFrame }
  knock: { fields: { user: number }; reply: ConversationFrame }
  presence: { fields: { conversation: number }; reply: PresenceFrame }
  typing: { fields: { conversation: number }; reply: never }
  visibility: { fields: { visible: boolean }; reply: AckFrame }
}

export type OpName = keyof Ops
export type ClientFrame = { op: string; ref?: string | number } & Record<string, unknown>

/** A frame could not be done: the server's error, or the client gave up (`timeout`, `offline`). */
export class RealtimeError extends Error {
  readonly code: string
  readonly detail: string

  constructor(code: string, detail: string) {
    super(detail || code)
    this.name = 'RealtimeError'
    this.code = code
    this.detail = detail
  }
}

/** Error codes after which the same `send` may simply be tried again (same client_id). */
export const RETRYABLE_SEND_ERRORS = new Set(['internal', 'throttled', 'rate_limited'])
