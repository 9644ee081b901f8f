/**
 * Things nearby (身边事): the cases I reported, the community boards of public cases, the
 * queues of the units I work in, the supervisors' patrol, and each open case page. Loaded
 * over HTTP (docs/cases.md), kept current by the live `case.*` frames:
 *
 * - `case.created` / `case.updated` carry a case: it is kept by id, joins my list (mine), the
 *   board it is public on (`community.<id>` stream) and a patrol (`observe.<place>` stream);
 * - `case.entry` adds a line to an open case's timeline;
 * - `case.queue` puts a case into a unit's queue or takes it out, `case.flagged` turns it
 *   amber or red; queues keep red first, then amber, then the oldest.
 *
 * A frame's case is the sender's shape: it never carries what *I* may do (`may`). An open
 * case page fetches its case again when it changes, so the buttons follow. A case reaching me
 * on two streams (the staff feed and the board) is one case: everything is keyed by id, and
 * a neighbours' shape (no reporter) never hides the reporter a committee member already sees.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as casesApi from '../cases/api'
import {
  OPEN_STATUSES,
  type Case,
  type CaseDetail,
  type CaseEntryEvent,
  type CaseFlag,
  type CaseFlaggedEvent,
  type CaseQueueEvent,
  type Entry,
  type MyUnit,
  type OpenUrge,
  type QueueKind,
  type RaiseInput,
  type Urge,
} from '../cases/types'
import { getRealtime, type RealtimeClient } from '../realtime'
import { useSessionStore } from './session'

export interface CaseTimeline {
  entries: Entry[]
  urges: Urge[]
}

export interface PatrolState {
  ids: number[]
  urges: OpenUrge[]
}

export function queueKey(kind: QueueKind, id: number): string {
  return `${kind}:${id}`
}

const FLAG_RANK: Record<CaseFlag, number> = { red: 0, amber: 1, '': 2 }
const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : 0)

/** A queue's order: red first, then amber, then the oldest. */
export function byUrgency(a: Case, b: Case): number {
  return (FLAG_RANK[a.flag] ?? 2) - (FLAG_RANK[b.flag] ?? 2) || time(a.created_at) - time(b.created_at) || a.id - b.id
}

/** A patrol's order: overdue first, then red, amber, then the oldest. */
export function byPatrol(a: Case, b: Case): number {
  return Number(b.overdue) - Number(a.overdue) || byUrgency(a, b)
}

const newestFirst = (a: Case, b: Case) => b.id - a.id

export function isOpen(c: Pick<Case, 'status'>): boolean {
  return OPEN_STATUSES.includes(c.status)
}

export const useCasesStore = defineStore('cases', () => {
  const session = useSessionStore()

  const cases = ref<Record<number, Case>>({})
  /** The timelines of the case pages open now. */
  const timelines = ref<Record<number, CaseTimeline>>({})
  /** Ids of my cases (reported or followed), newest first; null: not loaded. */
  const mineIds = ref<number[] | null>(null)
  /** Public cases per community, newest first. */
  const boards = ref<Record<number, number[]>>({})
  /** Open cases per queue (`queueKey`), most urgent first. */
  const queues = ref<Record<string, number[]>>({})
  const units = ref<MyUnit[] | null>(null)
  const patrols = ref<Record<number, PatrolState>>({})

  let client: RealtimeClient | null = null
  let unsubscribe: (() => void)[] = []
  /** Case pages being fetched again, and those to fetch once more when that is done. */
  const fetching = new Map<number, Promise<Case>>()
  const fetchAgain = new Set<number>()

  const myId = computed(() => session.me?.id ?? 0)
  const mine = computed(() => listOf(mineIds.value ?? []))

  function listOf(ids: number[]): Case[] {
    return ids.map((id) => cases.value[id]).filter((c): c is Case => c !== undefined)
  }

  function boardOf(communityId: number): Case[] {
    return listOf(boards.value[communityId] ?? [])
  }

  function queueOf(kind: QueueKind, id: number): Case[] {
    return listOf(queues.value[queueKey(kind, id)] ?? [])
  }

  function patrolOf(placeId: number): Case[] {
    return listOf(patrols.value[placeId]?.ids ?? [])
  }

  // ---- connection -------------------------------------------------------------------------

  function start(): void {
    if (client) return
    client = getRealtime()
    const c = client
    unsubscribe = [
      c.on('case.created', (e) => arrived(e.case, e.stream, true)),
      c.on('case.updated', (e) => arrived(e.case, e.stream, false)),
      c.on('case.entry', entryArrived),
      c.on('case.queue', queueChanged),
      c.on('case.flagged', flagged),
      c.on('resumed', (e) => {
        if (!e.complete) void resync()
      }),
    ]
    c.start()
  }

  /** Forgets everything (log-out); the chat store closes the connection itself. */
  function stop(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    client = null
    cases.value = {}
    timelines.value = {}
    mineIds.value = null
    boards.value = {}
    queues.value = {}
    units.value = null
    patrols.value = {}
    fetching.clear()
    fetchAgain.clear()
  }

  /** Too much was missed to replay: reload what is on screen. */
  async function resync(): Promise<void> {
    await Promise.allSettled([
      ...(mineIds.value !== null ? [loadMine()] : []),
      ...Object.keys(boards.value).map((id) => loadBoard(Number(id))),
      ...Object.keys(queues.value).map((key) => {
        const [kind, id] = key.split(':')
        return loadQueue(kind as QueueKind, Number(id))
      }),
      ...Object.keys(patrols.value).map((id) => loadPatrol(Number(id))),
      ...Object.keys(timelines.value).map((id) => loadCase(Number(id))),
    ])
  }

  // ---- keeping cases ------------------------------------------------------------------------

  /** Keeps a case; `own`: my own HTTP answer, whose `may` replaces mine. */
  function put(found: Case, own: boolean): Case {
    const before = cases.value[found.id]
    const next: Case = { ...before, ...found }
    if (!own) {
      next.may = before?.may
      // The neighbours' shape leaves the reporter out; the committee still knows who it is.
      if (found.reporter === null && before?.reporter) next.reporter = before.reporter
    }
    cases.value[found.id] = next
    return next
  }

  function upsert(ids: number[], id: number, order: (a: Case, b: Case) => number): number[] {
    const all = ids.includes(id) ? ids : [...ids, id]
    return listOf(all).sort(order).map((c) => c.id)
  }

  function reportedByMe(c: Case): boolean {
    return !!c.reporter && c.reporter.id === myId.value
  }

  function arrived(found: Case, stream: string, created: boolean): void {
    const kept = put(found, false)
    // My own case (or one I follow now: merged into it) joins my list.
    if (mineIds.value && (mineIds.value.includes(kept.id) || (created && reportedByMe(kept)))) {
      mineIds.value = upsert(mineIds.value, kept.id, newestFirst)
    }
    const community = /^community\.(\d+)$/.exec(stream)
    const boardId = community ? Number(community[1]) : kept.community.id
    const board = boards.value[boardId]
    if (board && (community || board.includes(kept.id))) {
      boards.value[boardId] =
        kept.public && kept.status !== 'merged' ? upsert(board, kept.id, newestFirst) : board.filter((id) => id !== kept.id)
    }
    const observed = /^observe\.(\d+)$/.exec(stream)
    for (const [placeId, patrol] of Object.entries(patrols.value)) {
      const here = patrol.ids.includes(kept.id) || (observed && Number(observed[1]) === Number(placeId))
      if (!here) continue
      patrol.ids = isOpen(kept) ? upsert(patrol.ids, kept.id, byPatrol) : patrol.ids.filter((id) => id !== kept.id)
    }
    for (const [key, ids] of Object.entries(queues.value)) {
      if (!ids.includes(kept.id)) continue
      queues.value[key] = isOpen(kept) ? upsert(ids, kept.id, byUrgency) : ids.filter((id) => id !== kept.id)
    }
    if (timelines.value[kept.id]) void refetch(kept.id)
  }

  function entryArrived(e: CaseEntryEvent): void {
    const timeline = timelines.value[e.case_id]
    if (!timeline) return
    const entries = timeline.entries.filter((entry) => entry.id !== e.entry.id)
    timeline.entries = [...entries, e.entry].sort((a, b) => a.id - b.id)
    // An urge or its answer changes the open urges the page offers to answer.
    if (e.entry.kind === 'urged' || e.entry.kind === 'urge_answered') void refetch(e.case_id)
  }

  function queueChanged(e: CaseQueueEvent): void {
    const key = queueKey(e.unit.kind, e.unit.id)
    if (e.case) put(e.case, false)
    const ids = queues.value[key]
    if (!ids) return
    if (e.action === 'removed' || (e.case && !isOpen(e.case))) {
      queues.value[key] = ids.filter((id) => id !== e.case_id)
    } else if (e.case) {
      queues.value[key] = upsert(ids, e.case_id, byUrgency)
    } else {
      void loadQueue(e.unit.kind, e.unit.id).catch(() => undefined)
    }
  }

  function flagged(e: CaseFlaggedEvent): void {
    const known = cases.value[e.case_id]
    if (!known) return
    cases.value[e.case_id] = { ...known, flag: e.flag, overdue: known.overdue || e.flag === 'red' }
    for (const [key, ids] of Object.entries(queues.value)) {
      if (ids.includes(e.case_id)) queues.value[key] = listOf(ids).sort(byUrgency).map((c) => c.id)
    }
    for (const patrol of Object.values(patrols.value)) {
      if (patrol.ids.includes(e.case_id)) patrol.ids = listOf(patrol.ids).sort(byPatrol).map((c) => c.id)
    }
  }

  // ---- loading ------------------------------------------------------------------------------

  async function loadMine(): Promise<Case[]> {
    const found = await casesApi.mine()
    for (const c of found) put(c, true)
    mineIds.value = found.map((c) => c.id)
    return mine.value
  }

  async function loadBoard(communityId: number): Promise<Case[]> {
    const found = await casesApi.board(communityId)
    for (const c of found) put(c, true)
    boards.value[communityId] = found.map((c) => c.id)
    return boardOf(communityId)
  }

  async function loadUnits(): Promise<MyUnit[]> {
    units.value = await casesApi.unitsMine()
    return units.value
  }

  async function loadQueue(kind: QueueKind, id: number): Promise<Case[]> {
    const found = await casesApi.queue(kind === 'community' ? { community_id: id } : { unit_id: id })
    for (const c of found) put(c, true)
    queues.value[queueKey(kind, id)] = found.map((c) => c.id)
    return queueOf(kind, id)
  }

  async function loadPatrol(placeId: number): Promise<PatrolState> {
    const found = await casesApi.patrol(placeId)
    for (const c of found.cases) put(c, true)
    for (const urge of found.urges) if (urge.case) put(urge.case, true)
    patrols.value[placeId] = { ids: listOf(found.cases.map((c) => c.id)).sort(byPatrol).map((c) => c.id), urges: found.urges }
    return patrols.value[placeId]
  }

  /** Opens a case page: the case, what I may do, and the timeline I may see. */
  async function loadCase(id: number): Promise<Case> {
    return putDetail(await casesApi.detail(id))
  }

  /** Fetches an open case again; calls arriving meanwhile make one more fetch, not one each. */
  function refetch(id: number): Promise<Case> {
    const running = fetching.get(id)
    if (running) {
      fetchAgain.add(id)
      return running
    }
    const next = loadCase(id).finally(() => {
      fetching.delete(id)
      if (fetchAgain.delete(id) && timelines.value[id]) void refetch(id).catch(() => undefined)
    })
    fetching.set(id, next)
    next.catch(() => undefined)
    return next
  }

  /** The case page was left: its timeline is no longer followed. */
  function closeCase(id: number): void {
    delete timelines.value[id]
    fetchAgain.delete(id)
  }

  // ---- writing ------------------------------------------------------------------------------

  async function raise(input: RaiseInput): Promise<Case> {
    const made = put(await casesApi.raise(input), true)
    if (mineIds.value) mineIds.value = upsert(mineIds.value, made.id, newestFirst)
    return made
  }

  /** Keeps a case page's answer: the case, what I may do, its timeline. */
  function putDetail(found: CaseDetail): Case {
    const { entries, urges, ...rest } = found
    const kept = put(rest, true)
    timelines.value[kept.id] = { entries: [...entries].sort((a, b) => a.id - b.id), urges: urges ?? [] }
    return kept
  }

  /**
   * Does something to a case through `call` (one of cases/api.ts). The answer is the case
   * page as it is now; when it is not (an older server's entry or urge), the page is read again.
   */
  async function act(id: number, call: () => Promise<unknown>): Promise<Case> {
    const answer = await call()
    if (answer && typeof answer === 'object' && Array.isArray((answer as CaseDetail).entries)) {
      const detail = answer as CaseDetail
      if (detail.id === id) return putDetail(detail)
      // Merged: the answer is the kept case; this one is read again to say where it went.
      const kept = timelines.value[detail.id] ? putDetail(detail) : put(detail, true)
      if (timelines.value[id]) void refetch(id).catch(() => undefined)
      return kept
    }
    return timelines.value[id] ? refetch(id) : (cases.value[id] as Case)
  }

  return {
    cases,
    timelines,
    mineIds,
    mine,
    boards,
    queues,
    units,
    patrols,
    myId,
    boardOf,
    queueOf,
    patrolOf,
    start,
    stop,
    resync,
    loadMine,
    loadBoard,
    loadUnits,
    loadQueue,
    loadPatrol,
    loadCase,
    closeCase,
    raise,
    act,
  }
})
