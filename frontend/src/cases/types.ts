/**
 * Shapes of the cases JSON (things nearby, 身边事): HTTP answers and live frames, as
 * docs/cases.md names them. Unknown keys are allowed: each shape lists only what the app reads.
 */
import type { Person } from '../realtime/protocol'

export type CaseStatus = 'submitted' | 'accepted' | 'declined' | 'in_progress' | 'resolved' | 'closed' | 'merged'
export type CaseTier = 'community' | 'street' | 'office' | 'department' | 'grid'
export type CaseFlag = '' | 'amber' | 'red'
export type UnitKind = 'street' | 'office' | 'department'
/** A queue's owner: a community's committee, or a unit above it. */
export type QueueKind = 'community' | UnitKind

export const CASE_STATUSES: readonly CaseStatus[] = [
  'submitted',
  'accepted',
  'declined',
  'in_progress',
  'resolved',
  'closed',
  'merged',
]
export const OPEN_STATUSES: readonly CaseStatus[] = ['submitted', 'accepted', 'in_progress', 'resolved']

export interface Ref {
  id: number
  name: string
}

export interface CasePhoto {
  id: number
  url: string
  thumbnail_url: string
  width: number
  height: number
}

export interface UnitRef {
  id: number
  kind: UnitKind
  name: string
}

/** What I may do to a case (the server decides; the page only shows the buttons). */
export interface CaseMay {
  accept: boolean
  decline: boolean
  start: boolean
  reply: boolean
  note: boolean
  resolve: boolean
  escalate: boolean
  assign: boolean
  refer: boolean
  hand_off: boolean
  grid_update: boolean
  send_back: boolean
  merge: boolean
  urge: boolean
  answer_urge: boolean
  rate: boolean
  reopen: boolean
}

export type CaseAction = keyof CaseMay

export interface Case {
  id: number
  status: CaseStatus
  tier: CaseTier
  flag: CaseFlag
  overdue: boolean
  public: boolean
  show_reporter: boolean
  category: Ref
  description: string
  community: Ref
  /** The street and district above it: where the street desk's offices and departments are. */
  street_id?: number
  district_id?: number
  estate: Ref | null
  building: string
  location: string
  /** Null for neighbours when the reporter keeps their name to the committee; the units
   * and supervisors see the phone too. */
  reporter: (Person & { phone?: string | null }) | null
  unit: UnitRef | null
  grid_reference: string
  merged_into: number | null
  created_at: string
  updated_at: string
  respond_by: string | null
  resolve_by: string | null
  first_response_at: string | null
  resolved_at: string | null
  closed_at: string | null
  rating: number | null
  reopened: number
  open_urges: number
  photos: CasePhoto[]
  /** Only in my own HTTP answers; a live frame's case carries the unit's (or none). */
  may?: Partial<CaseMay>
}

export type EntryKind =
  | 'submitted'
  | 'accepted'
  | 'declined'
  | 'started'
  | 'reply'
  | 'note'
  | 'escalated'
  | 'assigned'
  | 'referred'
  | 'handed_off'
  | 'grid_update'
  | 'sent_back'
  | 'resolved'
  | 'reopened'
  | 'closed'
  | 'auto_closed'
  | 'merged'
  | 'urged'
  | 'urge_answered'
  | 'amber'
  | 'breached'

export interface Entry {
  id: number
  case_id: number
  kind: EntryKind
  actor: Person | null
  from_unit: string
  to_unit: string
  public: boolean
  body: string
  rating: number | null
  answers: number | null
  photos: CasePhoto[]
  created_at: string
}

export interface Urge {
  id: number
  supervisor?: Person | null
  note: string
  created_at: string
  answered_at: string | null
  /** The urge's own timeline entry. */
  entry_id?: number | null
}

export interface CaseDetail extends Case {
  entries: Entry[]
  urges?: Urge[]
}

export interface Category {
  id: number
  name: string
}

export interface RaiseInput {
  community_id: number
  category_id: number
  description: string
  estate_id?: number | null
  building?: string
  location?: string
  public: boolean
  show_reporter: boolean
  photo_ids: number[]
}

/** A queue I work in (`GET /api/cases/units/mine`): a unit, or a community for its staff. */
export interface MyUnit {
  kind: QueueKind
  id: number
  name: string
  /** The street (desk, office) or district (department) it belongs to. */
  place?: { id: number; name: string; kind?: string } | null
}

/** Where a supervisor looks (patrol, figures): the place of a supervisor's role. */
export interface PlaceRef {
  id: number
  name: string
  kind?: string
}

/** An urge nobody has answered, on the patrol page. */
export interface OpenUrge extends Urge {
  case_id: number
  case?: Case | null
}

export interface Patrol {
  place?: PlaceRef
  cases: Case[]
  urges: OpenUrge[]
}

/** The figures the league table shows (names as GET /api/cases/figures has them). */
export const COUNT_FIGURES = ['raised', 'accepted', 'resolved', 'overdue'] as const
export const TIME_FIGURES = ['response_p50', 'response_p90', 'resolution_p50', 'resolution_p90'] as const
export const RATE_FIGURES = ['reopen_rate', 'mean_rating'] as const
export type CountFigure = (typeof COUNT_FIGURES)[number]
export type FigureName = CountFigure | (typeof TIME_FIGURES)[number] | (typeof RATE_FIGURES)[number]

/** The figure whose cases a column's drill-down lists: a time's cases are those it measured. */
export const DRILL_OF: Record<FigureName, string> = {
  raised: 'raised',
  accepted: 'accepted',
  resolved: 'resolved',
  overdue: 'overdue',
  response_p50: 'responded',
  response_p90: 'responded',
  resolution_p50: 'resolved',
  resolution_p90: 'resolved',
  reopen_rate: 'reopened',
  mean_rating: 'rated',
}

/** One place's figures for the period: counts, working minutes (null: nothing measured yet),
 * the reopen rate as a fraction, the mean rating. */
export type Figures = Partial<Record<FigureName, number | null>> & Record<string, unknown>

export interface FigureRow extends Figures {
  place: PlaceRef
}

export interface FiguresPage {
  place: PlaceRef
  since?: string
  until?: string
  /** The kind of place the rows are, and the kinds one may choose instead. */
  level?: string | null
  levels?: string[]
  figures: Figures
  rows: FigureRow[]
}

/** A case as a drill-down lists it (the whole case is its page). */
export interface FigureCase {
  id: number
  status: CaseStatus
  tier: CaseTier
  flag: CaseFlag
  overdue: boolean
  category: Ref
  community: Ref
  description: string
  created_at: string
  figure_at?: string | null
  rating?: number | null
}

export interface FiguresQuery {
  place_id: number
  since: string
  until: string
  level?: string
}

// ---- live frames ----------------------------------------------------------------------

interface CaseEvent {
  id: number
  stream: string
}

export interface CaseCreatedEvent extends CaseEvent {
  type: 'case.created'
  case: Case
}
export interface CaseUpdatedEvent extends CaseEvent {
  type: 'case.updated'
  case: Case
}
export interface CaseEntryEvent extends CaseEvent {
  type: 'case.entry'
  case_id: number
  entry: Entry
}
export interface CaseQueueEvent extends CaseEvent {
  type: 'case.queue'
  case_id: number
  unit: { kind: QueueKind; id: number }
  action: 'added' | 'changed' | 'removed'
  case: Case | null
}
export interface CaseFlaggedEvent extends CaseEvent {
  type: 'case.flagged'
  case_id: number
  flag: CaseFlag
}

export type CaseFrame = CaseCreatedEvent | CaseUpdatedEvent | CaseEntryEvent | CaseQueueEvent | CaseFlaggedEvent
