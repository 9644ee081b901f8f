/**
 * Shapes of the party-building and volunteering JSON (HTTP answers and live frames; see
 * docs/volunteering.md). Unknown keys are allowed: each shape lists only what the app reads.
 */
import type { Persisted } from '../realtime/protocol'

/** Someone named in these pages; `party`: shows the party badge. */
export interface VolunteerPerson {
  id: number
  name: string
  party?: boolean
}

export interface CommunityRef {
  id: number
  name: string
}

// ---- party: report-in, members, service projects ----------------------------------------

export type ReportInStatus = 'pending' | 'confirmed' | 'rejected' | 'withdrawn'

export interface ReportIn {
  id: number
  community: CommunityRef
  user: VolunteerPerson
  home_branch: string
  note: string
  show_identity: boolean
  status: ReportInStatus
  reason: string
  created_at: string
  decided_at: string | null
  decided_by: VolunteerPerson | null
}

export interface ReportInInput {
  home_branch: string
  note: string
  show_identity: boolean
}

/** Where I stand in one community's branch (`GET /api/party/me`). */
export interface PartyMe {
  community: CommunityRef
  resident: boolean
  party_member: boolean
  secretary: boolean
  show_identity: boolean
  /** The secretary or a delegate: decides report-ins. */
  gatekeeper: boolean
  /** Gatekeepers and staff: see all of the branch. */
  branch: boolean
  may_manage_projects: boolean
  /** May post call-outs (staff). */
  may_organise: boolean
  /** My latest report-in there. */
  report_in: ReportIn | null
}

export interface PartyMember {
  user: VolunteerPerson
  role: 'party_secretary' | 'party_member'
  show_identity: boolean
  since: string | null
}

export type ProjectStatus = 'open' | 'in_progress' | 'done'

export interface ProjectNote {
  id: number
  author: VolunteerPerson
  text: string
  created_at: string
}

export interface ProjectClaim {
  user: VolunteerPerson
  claimed_at: string
}

export interface ServiceProject {
  id: number
  community_id: number
  title: string
  description: string
  status: ProjectStatus
  created_by: VolunteerPerson
  created_at: string
  updated_at: string
  claims: ProjectClaim[]
  /** Oldest first, the latest 50. */
  notes: ProjectNote[]
}

export interface ProjectInput {
  title: string
  description: string
  status: ProjectStatus
}

// ---- volunteering: call-outs, sign-ups, check-in, hours ---------------------------------

export type Audience = 'party' | 'residents'
export type CalloutStatus = 'open' | 'cancelled'
export type SignUpStatus = 'confirmed' | 'waiting' | 'cancelled'

export interface MySignUp {
  status: SignUpStatus
  /** Place on the waiting list (1 = next in), null when not waiting. */
  position: number | null
  signed_up_at: string
  checked_in_at: string | null
  /** Hours recorded, in minutes. */
  minutes: number | null
}

/** A call-out as everybody sees it (HTTP and live frames: nothing about the reader). */
export interface Callout {
  id: number
  community: CommunityRef
  title: string
  description: string
  location: string
  skills: string
  starts_at: string
  ends_at: string
  capacity: number
  audience: Audience
  status: CalloutStatus
  cancel_reason: string
  organiser: VolunteerPerson
  confirmed: number
  waiting: number
  /** Its post on the party board, and the thank-you post after it. */
  post_id: number | null
  thanks_post_id: number | null
  created_at: string
  /** CalloutDetail (HTTP answers only): where I stand and what I may do. */
  me?: MySignUp | null
  can_sign_up?: boolean
  can_manage?: boolean
  checkin_opens_at?: string
}

export interface CalloutInput {
  title: string
  description: string
  location: string
  starts_at: string
  ends_at: string
  capacity: number
  audience: Audience
  skills: string
}

export interface RosterEntry {
  id: number
  user: VolunteerPerson
  status: SignUpStatus
  position: number | null
  signed_up_at: string
  checked_in_at: string | null
  checked_in_by: 'self' | 'organiser' | null
  minutes: number | null
}

export interface Roster {
  callout: Callout
  signups: RosterEntry[]
}

export interface CheckinLink {
  url: string
  code: string
}

export interface HistoryEntry {
  callout: Callout
  status: SignUpStatus
  checked_in_at: string | null
  minutes: number | null
}

export interface MyHistory {
  total_minutes: number
  callouts: number
  entries: HistoryEntry[]
}

export interface VolunteerHours {
  user: VolunteerPerson
  callouts: number
  total_minutes: number
}

export interface ThanksInput {
  title: string
  body: string
}

// ---- live frames -------------------------------------------------------------------------

export type SignupChangeReason =
  | 'signed_up'
  | 'cancelled'
  | 'promoted'
  | 'moved_up'
  | 'checked_in'
  | 'checked_out'
  | 'minutes'
  | 'callout_cancelled'

export interface CalloutCreatedEvent extends Persisted {
  type: 'callout.created'
  callout: Callout
}
export interface CalloutUpdatedEvent extends Persisted {
  type: 'callout.updated'
  callout: Callout
}
/** The roster entries whose state changed, with the new counts (organisers). */
export interface CalloutRosterEvent extends Persisted {
  type: 'callout.roster'
  callout_id: number
  confirmed: number
  waiting: number
  entries: RosterEntry[]
}
/** My own sign-up changed (personal). */
export interface SignupChangedEvent extends Persisted {
  type: 'signup.changed'
  callout_id: number
  reason: SignupChangeReason
  signup: MySignUp
}
/** Submitted, withdrawn or decided (branch; the applicant when decided). */
export interface ReportInEvent extends Persisted {
  type: 'party.report_in'
  report_in: ReportIn
}
export interface ProjectEvent extends Persisted {
  type: 'party.project'
  project: ServiceProject
}

export type VolunteerFrame =
  | CalloutCreatedEvent
  | CalloutUpdatedEvent
  | CalloutRosterEvent
  | SignupChangedEvent
  | ReportInEvent
  | ProjectEvent
