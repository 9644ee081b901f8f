/** Shapes of the boards' JSON (HTTP answers and live frames; see docs/api.md, "Boards"). */
import type { PersonRef } from '../types'

export type BoardKind = 'district' | 'notices' | 'party' | 'guide' | 'mutual_aid' | 'idle' | 'hometown' | 'property'

/** The order of the board tabs. */
export const BOARD_KINDS: readonly BoardKind[] = [
  'district',
  'notices',
  'party',
  'guide',
  'mutual_aid',
  'idle',
  'property',
  'hometown',
]

export interface BoardPlace {
  id: number
  name: string
  kind: string
}

/** A community below a supervisor's street or district. */
export interface ObservedPlace {
  id: number
  name: string
  kind: string
  street: string
}

/** A board I may read, with what I may do there. */
export interface Board {
  id: number
  kind: BoardKind
  place: BoardPlace
  can_post: boolean
  /** Comment and like (readers, except supervisors reading through supervision alone). */
  can_comment: boolean
  can_moderate: boolean
  /** Pin, hide and restore: moderators, and a property manager on their own board. */
  can_manage: boolean
  requires_review: boolean
  unread: number
}

export type PostStatus = 'published' | 'pending' | 'rejected' | 'hidden' | 'deleted'

export interface PostImage {
  id: number
  url: string
  thumbnail_url: string
  width: number
  height: number
}

export interface PostAttachment {
  id: number
  url: string
  name: string
  size: number
}

export type AidNeed = 'request' | 'offer'
export type ItemCondition = 'new' | 'like_new' | 'used' | 'worn'
export type ItemDeal = 'free' | 'exchange'
export type ItemState = 'available' | 'reserved' | 'given'

export const ITEM_CONDITIONS: readonly ItemCondition[] = ['new', 'like_new', 'used', 'worn']
export const ITEM_STATES: readonly ItemState[] = ['available', 'reserved', 'given']

/** The service guide's structured fields. */
export interface GuideExtra {
  matter: string
  steps: string[]
  documents?: string[]
  where?: string
  office_hours?: string
  contact?: string
}

export interface MutualAidExtra {
  need: AidNeed
  resolved?: boolean
}

export interface IdleExtra {
  item: string
  condition?: ItemCondition | ''
  deal: ItemDeal
  state?: ItemState
}

/** Per-kind fields: which ones are there depends on the board's kind ({} for most). */
/** A party-board post that announces or thanks for a volunteer call-out links to it. */
export interface CalloutExtra {
  callout: number
}

export type PostExtra = Partial<GuideExtra> & Partial<MutualAidExtra> & Partial<IdleExtra> & Partial<CalloutExtra>

export interface PostSummary {
  id: number
  board: { id: number; kind: BoardKind; place_id: number }
  title: string
  excerpt: string
  author: PersonRef
  status: PostStatus
  pinned: boolean
  urgent: boolean
  expires_at: string | null
  created_at: string
  edited_at: string | null
  likes: number
  comments: number
  reads: number
  images: PostImage[]
  extra: PostExtra
  /** In the review queue: the community's filter words the post contains (why it waits). */
  filter_words?: string[]
  /** Urgent notices only: the whole body (sanitised rich text), for the pop-up. */
  body?: string
}

export interface PostDetail extends PostSummary {
  /** Rich text, sanitised by the server. */
  body: string
  attachments: PostAttachment[]
  liked: boolean
  can_edit: boolean
  can_comment: boolean
  can_moderate: boolean
  can_manage: boolean
  revisions: number
}

export type CommentStatus = 'visible' | 'hidden' | 'deleted'

export interface BoardComment {
  id: number
  post_id: number
  parent_id: number | null
  author: PersonRef
  /** Empty for a hidden or deleted comment (unless I moderate). */
  body: string
  status: CommentStatus
  created_at: string
  replies?: BoardComment[]
}

export interface PostPage {
  /** On the first page only, and not when searching. */
  pinned?: PostSummary[]
  posts: PostSummary[]
  next_before: number | null
}

export interface PostInput {
  title: string
  body: string
  image_ids?: number[]
  attachment_ids?: number[]
  pinned?: boolean
  urgent?: boolean
  expires_at?: string | null
  extra?: PostExtra
}

export interface LikeState {
  likes: number
  liked: boolean
}

export type ReviewDecision = 'approve' | 'reject'

// ---- live frames ------------------------------------------------------------------------

interface BoardEvent {
  id: number
  stream: string
}

export interface PostCreatedEvent extends BoardEvent {
  type: 'post.created'
  post: PostSummary
}
export interface PostUpdatedEvent extends BoardEvent {
  type: 'post.updated'
  post: PostSummary
}
export interface PostHiddenEvent extends BoardEvent {
  type: 'post.hidden'
  post_id: number
  board_id: number
}
export interface PostDeletedEvent extends BoardEvent {
  type: 'post.deleted'
  post_id: number
  board_id: number
}
export interface PostLikedEvent extends BoardEvent {
  type: 'post.liked'
  post_id: number
  board_id: number
  likes: number
}
export interface CommentCreatedEvent extends BoardEvent {
  type: 'comment.created'
  comment: BoardComment
  post_id: number
  board_id: number
  /** The post's new comment count. */
  comments: number
}
export interface CommentDeletedEvent extends BoardEvent {
  type: 'comment.deleted'
  comment_id: number
  post_id: number
  board_id: number
  comments: number
}
export interface PostPendingEvent extends BoardEvent {
  type: 'post.pending'
  post: PostSummary
}
export interface PostReviewedEvent extends BoardEvent {
  type: 'post.reviewed'
  post_id: number
  board_id: number
  decision: ReviewDecision
  reason?: string
}
/** To my own stream: I acknowledged an urgent notice (on this or another device). */
export interface UrgentAcknowledgedEvent extends BoardEvent {
  type: 'urgent.acknowledged'
  post_id: number
  board_id: number
}

export type BoardFrame =
  | PostCreatedEvent
  | PostUpdatedEvent
  | PostHiddenEvent
  | PostDeletedEvent
  | PostLikedEvent
  | CommentCreatedEvent
  | CommentDeletedEvent
  | PostPendingEvent
  | PostReviewedEvent
  | UrgentAcknowledgedEvent
