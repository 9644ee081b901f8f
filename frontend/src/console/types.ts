/** Shapes of the committee console's API (/api/console, docs/moderation.md) and its live frames. */
import type { Person } from '../realtime/protocol'

export type ConsoleKind =
  | 'report'
  | 'application'
  | 'post'
  | 'topic_proposal'
  | 'topic_application'
  | 'letter'
  | 'report_in'
  | 'case'

/** The order the console shows its groups in (as the server lists them). */
export const CONSOLE_KINDS: readonly ConsoleKind[] = [
  'report',
  'application',
  'post',
  'topic_proposal',
  'topic_application',
  'letter',
  'report_in',
  'case',
]

/** Something waiting for the committee; `extra` holds what one kind has besides. */
export interface ConsoleItem {
  kind: ConsoleKind
  id: number
  community: number
  title: string
  summary: string
  created_at: string
  /** The applicant, author, sender — or, for a report, the reported content's author. */
  author: Person | null
  claimed_by: Person | null
  claimed_at: string | null
  /** Waits for the party secretary's decision (把关). */
  gated: boolean
  gate_note: string
  gated_by: Person | null
  /** I may act on it (staff; for a gated item: the secretary or a delegate). */
  may_decide: boolean
  /** Where the app opens it. */
  link: string
  extra: Record<string, unknown>
}

export interface ReportExtra {
  target_kind: 'message' | 'post' | 'comment'
  target_id: number
  /** Distinct people who reported it. */
  count: number
  reasons: Record<string, number>
  last_at: string
  conversation: number | null
  post: number | null
}

/** A party member's report-in (报到), waiting for the party secretary (gated by rule). */
export interface ReportInExtra {
  /** 原所在党组织 */
  home_branch: string
  note: string
  /** They will show their party identity (党员亮身份) once confirmed. */
  show_identity: boolean
}

/** A case (身边事) at the community's committee: the case page is where it is handled. */
export interface CaseExtra {
  status?: string
  tier?: string
  flag?: '' | 'amber' | 'red'
  category?: string
}

export interface ApplicationExtra {
  estate: { id: number; name: string }
  building: string
  unit: string
  room: string
  living_away: boolean
}

export interface ConsoleCommunity {
  id: number
  name: string
  kind: string
  /** I may act here (supervisors only read). */
  staff: boolean
  counts: Partial<Record<ConsoleKind, number>>
  total: number
}

export interface ConsolePage {
  community: { id: number; name: string }
  staff: boolean
  gatekeeper: boolean
  secretary: boolean
  items: ConsoleItem[]
}

export interface Delegation {
  id: number
  community: number
  secretary: Person
  delegate: Person
  created_at: string
}

export interface AuditEntry {
  id: number
  actor: Person
  action: string
  action_label: string
  target_kind: string
  target_id: number
  subject: Person | null
  reason: string
  before: Record<string, unknown>
  after: Record<string, unknown>
  at: string
}

export interface WordFilter {
  enabled: boolean
  words: string[]
  updated_at: string | null
  updated_by: Person | null
}

// ---- live frames (all on the committee's `staff.<community>` stream) ---------------------

interface StaffEvent {
  id: number
  stream: string
}

export interface ConsoleClaimedEvent extends StaffEvent {
  type: 'console.claimed'
  kind: ConsoleKind
  item_id: number
  by: Person | null
  at: string | null
}
export interface ConsoleGatedEvent extends StaffEvent {
  type: 'console.gated'
  kind: ConsoleKind
  item_id: number
  gated: boolean
  gate_note: string
  gated_by: Person | null
}
export interface ConsoleItemRemovedEvent extends StaffEvent {
  type: 'console.item_removed'
  kind: ConsoleKind
  item_id: number
}
/** The party secretary delegated gatekeeping or took it back: who may decide gated items changed. */
export interface ConsoleDelegationsEvent extends StaffEvent {
  type: 'console.delegations'
  community: number
}
export interface ApplicationSubmittedEvent extends StaffEvent {
  type: 'application.submitted'
  application_id: number
  estate_id: number
}
interface ReportRef {
  id: number
  status: string
  community: number
  count?: number
}
export interface ReportOpenedEvent extends StaffEvent {
  type: 'report.opened'
  report: ReportRef
}
export interface ReportUpdatedEvent extends StaffEvent {
  type: 'report.updated'
  report: ReportRef
}
export interface TopicProposedEvent extends StaffEvent {
  type: 'topic.proposed'
}
export interface TopicProposalDecidedEvent extends StaffEvent {
  type: 'topic.proposal.decided'
  conversation_id: number
  approved: boolean
}
export interface TopicApplicationEvent extends StaffEvent {
  type: 'topic.application'
  participant_id: number
}
export interface TopicApplicationDecidedEvent extends StaffEvent {
  type: 'topic.application.decided'
  participant_id: number
  status: string
}

export type ConsoleFrame =
  | ConsoleClaimedEvent
  | ConsoleGatedEvent
  | ConsoleItemRemovedEvent
  | ConsoleDelegationsEvent
  | ApplicationSubmittedEvent
  | ReportOpenedEvent
  | ReportUpdatedEvent
  | TopicProposedEvent
  | TopicProposalDecidedEvent
  | TopicApplicationEvent
  | TopicApplicationDecidedEvent
