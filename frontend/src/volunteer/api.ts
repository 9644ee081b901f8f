/**
 * The party-building (/api/party) and volunteering (/api/volunteer) endpoints, through
 * api.ts (session, CSRF, errors as ApiError). docs/volunteering.md is the contract.
 */
import { query, request } from '../api'
import type {
  Callout,
  CalloutInput,
  CheckinLink,
  MyHistory,
  PartyMe,
  PartyMember,
  ProjectInput,
  ReportIn,
  ReportInInput,
  ReportInStatus,
  Roster,
  RosterEntry,
  ServiceProject,
  ThanksInput,
  VolunteerHours,
} from './types'

// ---- party ------------------------------------------------------------------------------

/** One entry per community I live in or hold a role at. */
export function partyMe(): Promise<PartyMe[]> {
  return request('GET', '/api/party/me')
}

export function reportIn(communityId: number, input: ReportInInput): Promise<ReportIn> {
  return request('POST', `/api/party/communities/${communityId}/report-ins`, { body: input })
}

export function myReportIns(): Promise<ReportIn[]> {
  return request('GET', '/api/party/me/report-ins')
}

export function withdrawReportIn(id: number): Promise<void> {
  return request('DELETE', `/api/party/report-ins/${id}`)
}

/** The branch's report-ins (default: pending). */
export function communityReportIns(communityId: number, status: ReportInStatus | 'all' = 'pending'): Promise<ReportIn[]> {
  return request('GET', `/api/party/communities/${communityId}/report-ins${query({ status })}`)
}

export function confirmReportIn(id: number): Promise<ReportIn> {
  return request('POST', `/api/party/report-ins/${id}/confirm`)
}

export function rejectReportIn(id: number, reason: string): Promise<ReportIn> {
  return request('POST', `/api/party/report-ins/${id}/reject`, { body: { reason } })
}

export function partyMembers(communityId: number): Promise<PartyMember[]> {
  return request('GET', `/api/party/communities/${communityId}/members`)
}

export function setIdentity(communityId: number, showIdentity: boolean): Promise<PartyMe> {
  return request('PATCH', `/api/party/communities/${communityId}/identity`, { body: { show_identity: showIdentity } })
}

export function projects(communityId: number): Promise<ServiceProject[]> {
  return request('GET', `/api/party/communities/${communityId}/projects`)
}

export function createProject(communityId: number, input: Pick<ProjectInput, 'title' | 'description'>): Promise<ServiceProject> {
  return request('POST', `/api/party/communities/${communityId}/projects`, { body: input })
}

export function updateProject(id: number, input: Partial<ProjectInput>): Promise<ServiceProject> {
  return request('PATCH', `/api/party/projects/${id}`, { body: input })
}

export function claimProject(id: number): Promise<ServiceProject> {
  return request('POST', `/api/party/projects/${id}/claim`)
}

export function unclaimProject(id: number): Promise<ServiceProject> {
  return request('DELETE', `/api/party/projects/${id}/claim`)
}

export function addProjectNote(id: number, text: string): Promise<ServiceProject> {
  return request('POST', `/api/party/projects/${id}/notes`, { body: { text } })
}

// ---- volunteering -----------------------------------------------------------------------

export function listCallouts(when: 'upcoming' | 'past', communityId?: number): Promise<Callout[]> {
  return request('GET', `/api/volunteer/callouts${query({ when, community_id: communityId })}`)
}

export function getCallout(id: number): Promise<Callout> {
  return request('GET', `/api/volunteer/callouts/${id}`)
}

export function createCallout(communityId: number, input: CalloutInput): Promise<Callout> {
  return request('POST', `/api/volunteer/communities/${communityId}/callouts`, { body: input })
}

export function cancelCallout(id: number, reason: string): Promise<Callout> {
  return request('POST', `/api/volunteer/callouts/${id}/cancel`, { body: { reason } })
}

export function signUp(id: number): Promise<Callout> {
  return request('POST', `/api/volunteer/callouts/${id}/signup`)
}

export function cancelSignUp(id: number): Promise<Callout> {
  return request('DELETE', `/api/volunteer/callouts/${id}/signup`)
}

export function unseenCallouts(): Promise<Callout[]> {
  return request('GET', '/api/volunteer/callouts/unseen')
}

export function markSeen(id: number): Promise<void> {
  return request('POST', `/api/volunteer/callouts/${id}/seen`)
}

export function roster(id: number): Promise<Roster> {
  return request('GET', `/api/volunteer/callouts/${id}/roster`)
}

/** The organiser ticks (or unticks) a volunteer, or changes their minutes. */
export function updateRosterEntry(id: number, signupId: number, change: { checked_in?: boolean; minutes?: number }): Promise<RosterEntry> {
  return request('PATCH', `/api/volunteer/callouts/${id}/roster/${signupId}`, { body: change })
}

export function checkinLink(id: number): Promise<CheckinLink> {
  return request('GET', `/api/volunteer/callouts/${id}/checkin-link`)
}

/** The organiser's QR picture (an <img> loads it with the session cookie). */
export function qrUrl(id: number): string {
  return `/api/volunteer/callouts/${id}/qr.svg`
}

export function checkin(id: number, code: string): Promise<Callout> {
  return request('POST', `/api/volunteer/callouts/${id}/checkin`, { body: { code } })
}

export function postThanks(id: number, input: ThanksInput): Promise<Callout> {
  return request('POST', `/api/volunteer/callouts/${id}/thanks`, { body: input })
}

export function myHistory(): Promise<MyHistory> {
  return request('GET', '/api/volunteer/me/history')
}

export function communityHours(communityId: number): Promise<VolunteerHours[]> {
  return request('GET', `/api/volunteer/communities/${communityId}/hours`)
}
