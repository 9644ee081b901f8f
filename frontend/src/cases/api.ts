/**
 * The cases endpoints (/api/cases, docs/cases.md), through api.ts (session, CSRF, errors as
 * ApiError).
 */
import { query, request, upload, type UploadOptions } from '../api'
import type {
  Case,
  CaseDetail,
  CasePhoto,
  Category,
  Entry,
  FigureCase,
  FiguresPage,
  FiguresQuery,
  MyUnit,
  Patrol,
  RaiseInput,
  UnitRef,
  Urge,
} from './types'

/** A list answer, also when a server wraps it as {results: [...]} or {cases: [...]}. */
async function list<T>(path: string): Promise<T[]> {
  const data = await request<unknown>('GET', path)
  if (Array.isArray(data)) return data as T[]
  const wrapped = data as { results?: unknown; cases?: unknown; items?: unknown } | null
  const found = wrapped?.results ?? wrapped?.cases ?? wrapped?.items
  return Array.isArray(found) ? (found as T[]) : []
}

export function categories(communityId: number): Promise<Category[]> {
  return list(`/api/cases/categories${query({ community_id: communityId })}`)
}

/** A photo of the problem (or of what was done); send its id with the case or the entry. */
export function uploadPhoto(file: File, options: UploadOptions = {}): Promise<CasePhoto> {
  const form = new FormData()
  form.append('file', file)
  return upload('/api/cases/photos', form, options)
}

export function raise(input: RaiseInput): Promise<Case> {
  return request('POST', '/api/cases', { body: input })
}

export function mine(): Promise<Case[]> {
  return list('/api/cases/mine')
}

export function board(communityId: number): Promise<Case[]> {
  return list(`/api/cases/board${query({ community_id: communityId })}`)
}

export function detail(id: number): Promise<CaseDetail> {
  return request('GET', `/api/cases/${id}`)
}

export function unitsMine(): Promise<MyUnit[]> {
  return list('/api/cases/units/mine')
}

/** The open cases at a community's committee or at a unit, red first, then amber, oldest first. */
export function queue(of: { community_id: number } | { unit_id: number }): Promise<Case[]> {
  return list(`/api/cases/queue${query(of)}`)
}

/** Offices of a street, or departments of a district: where the street desk may send a case. */
export function units(of: { street_id: number } | { district_id: number }): Promise<UnitRef[]> {
  return list(`/api/cases/units${query(of)}`)
}

export async function patrol(placeId: number): Promise<Patrol> {
  const data = await request<Partial<Patrol> & { unanswered_urges?: Patrol['urges'] }>(
    'GET',
    `/api/cases/patrol${query({ place_id: placeId })}`,
  )
  return { ...data, cases: data.cases ?? [], urges: data.urges ?? data.unanswered_urges ?? [] }
}

export function figures(of: FiguresQuery): Promise<FiguresPage> {
  return request('GET', `/api/cases/figures${query({ ...of })}`)
}

export function figureCases(of: FiguresQuery, figure: string): Promise<FigureCase[]> {
  return list(`/api/cases/figures/cases${query({ ...of, figure })}`)
}

/** The league table as CSV (a plain link: the browser downloads it with the session cookie). */
export function figuresCsvUrl(of: FiguresQuery): string {
  return `/api/cases/figures.csv${query({ ...of })}`
}

// ---- acting on a case -----------------------------------------------------------------------

const act = <T = Case>(id: number, path: string, body: Record<string, unknown> = {}): Promise<T> =>
  request('POST', `/api/cases/${id}/${path}`, { body })

export const accept = (id: number, body = '') => act(id, 'accept', { body })
export const decline = (id: number, reason: string) => act(id, 'decline', { reason })
export const start = (id: number, body = '') => act(id, 'start', { body })
export const reply = (id: number, body: string, isPublic: boolean, photoIds: number[] = []) =>
  act<Entry>(id, 'reply', { body, public: isPublic, photo_ids: photoIds })
export const resolve = (id: number, body: string, photoIds: number[] = []) => act(id, 'resolve', { body, photo_ids: photoIds })
export const escalate = (id: number, reason: string) => act(id, 'escalate', { reason })
export const assign = (id: number, unitId: number, reason = '') => act(id, 'assign', { unit_id: unitId, reason })
export const refer = (id: number, unitId: number, reason: string) => act(id, 'refer', { unit_id: unitId, reason })
export const handOff = (id: number, reference: string, reason = '') => act(id, 'hand-off', { reference, reason })
export const gridUpdate = (id: number, body: string, isPublic: boolean) => act<Entry>(id, 'grid-update', { body, public: isPublic })
export const sendBack = (id: number, reason: string) => act(id, 'send-back', { reason })
export const merge = (id: number, intoId: number) => act(id, 'merge', { into_id: intoId })
export const urge = (id: number, note: string) => act<Urge>(id, 'urge', { note })
export const answerUrge = (id: number, urgeId: number, body: string) => act<Entry>(id, 'answer-urge', { urge_id: urgeId, body })
export const rate = (id: number, rating: number, body = '') => act(id, 'rate', { rating, body })
export const reopen = (id: number, reason: string) => act(id, 'reopen', { reason })
