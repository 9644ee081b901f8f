/** Fixtures of the volunteering specs: call-outs of 美罗家园第一居委会, sign-ups, branches. */
import type { Callout, MySignUp, PartyMe, ReportIn, RosterEntry, ServiceProject, VolunteerPerson } from '../types'

export const meiluo = { id: 10, name: '美罗家园第一居委会' }
export const zhangMin: VolunteerPerson = { id: 5, name: '张敏', party: true }
export const zhaoLei: VolunteerPerson = { id: 9, name: '赵磊', party: true }
export const wangFang: VolunteerPerson = { id: 1, name: '王芳', party: false }

const HOUR = 3_600_000

/** An ISO time `hours` from now. */
export function inHours(hours: number): string {
  return new Date(Date.now() + hours * HOUR).toISOString()
}

export function callout(id: number, title: string, overrides: Partial<Callout> = {}): Callout {
  return {
    id,
    community: meiluo,
    title,
    description: '清理楼道里堆放的杂物',
    location: '美罗家园 3 号楼',
    skills: '手套、扫帚',
    starts_at: inHours(24),
    ends_at: inHours(26),
    capacity: 10,
    audience: 'party',
    status: 'open',
    cancel_reason: '',
    organiser: zhangMin,
    confirmed: 3,
    waiting: 0,
    post_id: 55,
    thanks_post_id: null,
    created_at: inHours(-1),
    ...overrides,
  }
}

/** The HTTP shape: the call-out plus where I stand and what I may do. */
export function detailOf(c: Callout, overrides: Partial<Callout> = {}): Callout {
  return { me: null, can_sign_up: true, can_manage: false, checkin_opens_at: inHours(22), ...c, ...overrides }
}

export function signup(status: MySignUp['status'], overrides: Partial<MySignUp> = {}): MySignUp {
  return { status, position: status === 'waiting' ? 1 : null, signed_up_at: inHours(-0.5), checked_in_at: null, minutes: null, ...overrides }
}

export function entry(id: number, user: VolunteerPerson, status: RosterEntry['status'], overrides: Partial<RosterEntry> = {}): RosterEntry {
  return {
    id,
    user,
    status,
    position: status === 'waiting' ? 1 : null,
    signed_up_at: `2026-11-27T08:${String(id % 60).padStart(2, '0')}:00+00:00`,
    checked_in_at: null,
    checked_in_by: null,
    minutes: null,
    ...overrides,
  }
}

export function partyMe(overrides: Partial<PartyMe> = {}): PartyMe {
  return {
    community: meiluo,
    resident: true,
    party_member: false,
    secretary: false,
    show_identity: false,
    gatekeeper: false,
    branch: false,
    may_manage_projects: false,
    may_organise: false,
    report_in: null,
    ...overrides,
  }
}

export function reportIn(id: number, user: VolunteerPerson, overrides: Partial<ReportIn> = {}): ReportIn {
  return {
    id,
    community: meiluo,
    user,
    home_branch: '宝山区某单位党支部',
    note: '',
    show_identity: true,
    status: 'pending',
    reason: '',
    created_at: '2026-11-27T08:00:00+00:00',
    decided_at: null,
    decided_by: null,
    ...overrides,
  }
}

export function project(id: number, title: string, overrides: Partial<ServiceProject> = {}): ServiceProject {
  return {
    id,
    community_id: meiluo.id,
    title,
    description: '',
    status: 'open',
    created_by: zhangMin,
    created_at: '2026-11-20T08:00:00+00:00',
    updated_at: '2026-11-20T08:00:00+00:00',
    claims: [],
    notes: [],
    ...overrides,
  }
}
