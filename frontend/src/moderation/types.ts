/** Shapes of the moderation API's JSON and live frames (docs/moderation.md). */
import type { ChatMessage } from '../realtime/protocol'
import type { PersonRef } from '../types'

export type ReportTarget = 'message' | 'post' | 'comment'

export type ReportReason = 'spam' | 'abuse' | 'rumour' | 'privacy' | 'illegal' | 'other'

/** The reasons a resident may pick, in the order the picker shows them. */
export const REPORT_REASONS: readonly ReportReason[] = ['spam', 'abuse', 'rumour', 'privacy', 'illegal', 'other']

export type ReportStatus = 'open' | 'actioned' | 'dismissed'

export interface ReportInput {
  target_kind: ReportTarget
  target_id: number
  reason: ReportReason
  note?: string
}

export interface Report {
  id: number
  community: number
  target_kind: ReportTarget
  target_id: number
  target_author: PersonRef
  excerpt: string
  /** Distinct people who reported the item. */
  count: number
  reasons: Partial<Record<ReportReason, number>>
  status: ReportStatus
  first_at: string
  last_at: string
  decided_by: PersonRef | null
  decision_note: string
  /** Where to open the item. */
  conversation: number | null
  post: number | null
}

/** A message's moderation state: "" for an ordinary message. */
export type Moderated = '' | 'hidden' | 'removed'

export type MessageAction = 'hide' | 'remove' | 'restore' | 'pin' | 'unpin'
export type ContentAction = 'hide' | 'remove' | 'restore'

export type RestrictionKind = 'mute' | 'suspension'

export interface Restriction {
  id: number
  kind: RestrictionKind
  community: { id: number; name: string }
  /** The conversation of a mute; null for a suspension (the whole community). */
  conversation: number | null
  user: PersonRef
  reason: string
  until: string
  created_by: PersonRef
  created_at: string
  lifted_at: string | null
}

export interface RestrictionInput {
  user_id: number
  minutes: number
  reason: string
}

// ---- live frames ----------------------------------------------------------------------------

interface ModerationEvent {
  id: number
  stream: string
}

/** A message was hidden or removed: others drop it, moderators mark it. */
export interface MessageModeratedEvent extends ModerationEvent {
  type: 'message.moderated'
  conversation: number
  message_id: number
  moderated: Moderated
}
/** A hidden or removed message is back. */
export interface MessageRestoredEvent extends ModerationEvent {
  type: 'message.restored'
  message: ChatMessage
}
export interface MessagePinnedEvent extends ModerationEvent {
  type: 'message.pinned'
  conversation: number
  message_id: number
  pinned: boolean
  message: ChatMessage
}
export interface ConversationLockedEvent extends ModerationEvent {
  type: 'conversation.locked'
  conversation: number
  locked: boolean
}
/** One of my mutes or suspensions began, changed or was lifted (to my user group). */
export interface RestrictionChangedEvent extends ModerationEvent {
  type: 'restriction.changed'
  restriction: Restriction
}

export type ModerationFrame =
  | MessageModeratedEvent
  | MessageRestoredEvent
  | MessagePinnedEvent
  | ConversationLockedEvent
  | RestrictionChangedEvent


/** The mute durations offered, in minutes (the server accepts 1 minute to 30 days). */
export const MUTE_DURATIONS = [
  { key: 'm10', minutes: 10 },
  { key: 'h1', minutes: 60 },
  { key: 'd1', minutes: 24 * 60 },
  { key: 'd7', minutes: 7 * 24 * 60 },
  { key: 'd30', minutes: 30 * 24 * 60 },
] as const
