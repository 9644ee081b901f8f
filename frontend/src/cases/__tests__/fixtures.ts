/** Cases for the specs: wang_fang's problem at 美罗家园, and what the units see of it. */
import type { Case, CaseDetail, CaseMay, Entry, MyUnit } from '../types'

export const wangFang = { id: 1, name: '王芳' }
export const liWei = { id: 2, name: '李伟' }
export const meiluo = { id: 10, name: '美罗家园第一居委会' }

export const NO_MAY: CaseMay = {
  accept: false,
  decline: false,
  start: false,
  reply: false,
  note: false,
  resolve: false,
  escalate: false,
  assign: false,
  refer: false,
  hand_off: false,
  grid_update: false,
  send_back: false,
  merge: false,
  urge: false,
  answer_urge: false,
  rate: false,
  reopen: false,
}

export function may(...actions: (keyof CaseMay)[]): CaseMay {
  return { ...NO_MAY, ...Object.fromEntries(actions.map((a) => [a, true])) }
}

export function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * 3600_000).toISOString()
}

export function aCase(id: number, description: string, extra: Partial<Case> = {}): Case {
  return {
    id,
    status: 'submitted',
    tier: 'community',
    flag: '',
    overdue: false,
    public: false,
    show_reporter: false,
    category: { id: 3, name: '环境卫生' },
    description,
    community: meiluo,
    estate: { id: 100, name: '美罗家园' },
    building: '12',
    location: '',
    reporter: wangFang,
    unit: null,
    grid_reference: '',
    merged_into: null,
    created_at: hoursAgo(48 - id),
    updated_at: hoursAgo(1),
    respond_by: hoursAgo(-20),
    resolve_by: hoursAgo(-100),
    first_response_at: null,
    resolved_at: null,
    closed_at: null,
    rating: null,
    reopened: 0,
    open_urges: 0,
    photos: [],
    ...extra,
  }
}

export function entry(id: number, caseId: number, kind: Entry['kind'], extra: Partial<Entry> = {}): Entry {
  return {
    id,
    case_id: caseId,
    kind,
    actor: wangFang,
    from_unit: '',
    to_unit: '',
    public: true,
    body: '',
    rating: null,
    answers: null,
    photos: [],
    created_at: hoursAgo(10 - id / 100),
    ...extra,
  }
}

export function detailOf(c: Case, entries: Entry[] = [], extra: Partial<CaseDetail> = {}): CaseDetail {
  return { may: NO_MAY, ...c, entries, urges: [], ...extra }
}

export const committeeUnit: MyUnit = { kind: 'community', id: 10, name: '美罗家园第一居委会' }
export const streetDesk: MyUnit = { kind: 'street', id: 5, name: '罗店镇 案件受理', place: { id: 2, name: '罗店镇' } }
