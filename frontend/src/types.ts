/** Shapes of the JSON the Django API returns (see the API contract in README.md). */

export type PlaceKind =
  | 'district'
  | 'street'
  | 'town'
  | 'park'
  | 'residents_committee'
  | 'village'
  | 'estate'

export interface Place {
  id: number
  name: string
  kind: PlaceKind
  kind_label: string
}

export interface Membership {
  id: number
  estate: Place
  community: Place
  street: Place
  building: string
  unit: string
  room: string
  joined_at: string
}

/** A villager living elsewhere (乡愁乡音): follows the village's notices and hometown board. */
export interface AwayMembership {
  id: number
  village: Place
  joined_at: string
}

export type RoleKind =
  | 'committee_member'
  | 'social_worker'
  | 'party_secretary'
  | 'party_member'
  | 'police'
  | 'property_manager'
  | 'service_provider'
  | 'department_officer'
  | 'street_supervisor'
  | 'district_supervisor'
  | 'district_editor'

export interface Role {
  id: number
  kind: RoleKind
  kind_label: string
  place: Place
  show_identity: boolean
}

export interface Me {
  id: number
  username: string
  display_name: string
  phone_masked: string
  memberships: Membership[]
  away_memberships: AwayMembership[]
  roles: Role[]
  /** Communities whose join applications this user may review. */
  can_review: Place[]
  /** The display chosen in elder mode, kept on the account; null until first chosen. */
  display: DisplayChoice
}

/** Text size in per cent of the phone's own (elder mode offers the larger two). */
export type TextSize = 100 | 125 | 150

export interface DisplayChoice {
  text_size: TextSize | null
  high_contrast: boolean | null
}

/** GET /api/auth/session: asked on every page, a visitor is no error. */
export interface Session {
  authenticated: boolean
  user: Me | null
  /** The place's time zone (IANA name): every date and time is shown in it. */
  time_zone: string
}

export interface PasswordResetInput {
  phone: string
  sms_code: string
  password: string
}

export type ApplicationStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn'

export interface Application {
  id: number
  status: ApplicationStatus
  status_label: string
  estate: Place
  community: Place
  real_name: string
  phone_masked: string
  building: string
  unit: string
  room: string
  note: string
  /** A villager living elsewhere: no address; approval follows the village, no estate group. */
  living_away: boolean
  created_at: string
  decided_at: string | null
  decided_by_name: string | null
  reason: string
}

/** A row of the committee's review queue: carries the full phone number. */
export interface ReviewApplication extends Application {
  phone: string
  applicant_id: number
}

export interface JoinInfo {
  estate: Place
  community: Place
  street: Place
  district: Place
  /** The estate belongs to a village: villagers living elsewhere may apply too. */
  living_away_allowed: boolean
}

export interface JoinApplicationInput {
  real_name: string
  phone: string
  sms_code: string
  building: string
  unit: string
  room: string
  password?: string
  note?: string
  living_away?: boolean
}

export interface SmsCodeSent {
  detail: string
  expires_in: number
  resend_after: number
}

export interface JoinCode {
  code: string
  join_url: string
  qr_png_url: string
  qr_svg_url: string
}

export interface EstateDetail extends Place {
  community: Place
  member_count: number
}

export type ReviewStatusFilter = ApplicationStatus | 'all'

// ---- chat (HTTP side: topic groups, letters, neighbours, settings) -------------------------

/** Someone named in chat or on a board: id, display name and the party badge. */
export interface PersonRef {
  id: number
  name: string
  /** Shows the party-member badge (党员亮身份) next to the name. */
  party?: boolean
}

export type TopicStatus = 'pending' | 'active' | 'left' | 'removed' | 'rejected'

/** A topic group (专题群) of a community, as the current user sees it. */
export interface Topic {
  id: number
  title: string
  description: string
  member_count: number
  my_status: TopicStatus | null
  /** False while a resident's proposal waits for the committee. */
  approved: boolean
  /** Whether I may decide applications (older servers say `my_role: 'admin'`). */
  is_admin?: boolean
  my_role?: string | null
  locked?: boolean
  created_at?: string
}

export interface TopicInput {
  title: string
  description: string
}

/** A waiting application to join a topic group (its id is the participant id). */
export interface TopicApplication {
  id: number
  conversation?: number
  user: PersonRef
  status: string
  applied_at?: string
  note?: string
}

export type LetterBox = 'inbox' | 'sent' | 'committee'

export interface Letter {
  id: number
  subject: string
  body: string
  sender: PersonRef
  recipient: PersonRef | null
  committee: PersonRef | null
  created_at: string
  read_at: string | null
  read_by?: PersonRef | null
}

/** A letter goes to one neighbour (recipient_id) or to a committee (committee_id). */
export interface LetterInput {
  recipient_id?: number
  committee_id?: number
  subject: string
  body: string
}

/** A neighbour I may knock on or write to: name and building, never the room or phone. */
export interface Neighbour {
  id: number
  name: string
  building: string
  estate?: string | null
  is_committee: boolean
}

export interface ChatSettings {
  refuse_strangers: boolean
  hide_presence: boolean
}
