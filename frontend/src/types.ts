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
  roles: Role[]
  /** Communities whose join applications this user may review. */
  can_review: Place[]
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
