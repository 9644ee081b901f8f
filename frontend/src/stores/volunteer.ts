/**
 * Volunteering and party building: call-outs (lists, the open one, my sign-up), organisers'
 * rosters, the call-outs still to show me, where I stand in each party branch, report-ins
 * and service projects. Loaded over HTTP (docs/volunteering.md), kept current by the live
 * `callout.*`, `signup.changed` and `party.*` frames.
 *
 * Live frames carry nothing about the person receiving them: a `callout.updated` changes the
 * counts everybody sees, never my own sign-up (`me`), which only my own answers and
 * `signup.changed` change. A call-out reaching me on two streams (a party call-out on the
 * party and staff feeds) is one call-out: everything is keyed by id.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { getRealtime, type RealtimeClient } from '../realtime'
import * as volunteerApi from '../volunteer/api'
import { alertCallout } from '../volunteer/alert'
import type {
  Callout,
  CalloutInput,
  CalloutRosterEvent,
  MyHistory,
  PartyMe,
  ReportIn,
  ReportInInput,
  RosterEntry,
  ServiceProject,
  SignupChangedEvent,
  ThanksInput,
} from '../volunteer/types'
import { useSessionStore } from './session'

/** A waiting-list move shown once: I am in now. */
export interface Promotion {
  callout: Callout
}

type When = 'upcoming' | 'past'

/** The fields of a call-out that are the same for everybody (a live frame's). */
function shared(callout: Callout): Callout {
  const { me: _me, can_sign_up: _sign, can_manage: _manage, checkin_opens_at: _opens, ...rest } = callout
  return rest
}

const time = (iso: string) => new Date(iso).getTime()

const STATUS_ORDER = { confirmed: 0, waiting: 1, cancelled: 2 } as const

/** A roster as the server orders it: confirmed by sign-up, then waiting by position, then cancelled. */
export function orderRoster(entries: RosterEntry[]): RosterEntry[] {
  return [...entries].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      (a.status === 'waiting' ? (a.position ?? 0) - (b.position ?? 0) : time(a.signed_up_at) - time(b.signed_up_at)) ||
      a.id - b.id,
  )
}

export function hasEnded(callout: Pick<Callout, 'ends_at'>, now = Date.now()): boolean {
  return new Date(callout.ends_at).getTime() <= now
}

export function hasStarted(callout: Pick<Callout, 'starts_at'>, now = Date.now()): boolean {
  return new Date(callout.starts_at).getTime() <= now
}

function byStart(a: Callout, b: Callout): number {
  return time(a.starts_at) - time(b.starts_at) || a.id - b.id
}

export const useVolunteerStore = defineStore('volunteer', () => {
  const session = useSessionStore()

  const callouts = ref<Record<number, Callout>>({})
  /** Ids of each list, in the server's order; null: not loaded. */
  const lists = ref<Record<When, number[] | null>>({ upcoming: null, past: null })
  const rosters = ref<Record<number, RosterEntry[]>>({})
  /** Call-outs to put in front of me, one at a time, soonest first. */
  const notices = ref<Callout[]>([])
  const promotions = ref<Promotion[]>([])
  const history = ref<MyHistory | null>(null)
  /** Where I stand in each branch (`GET /api/party/me`); null: not loaded. */
  const party = ref<PartyMe[] | null>(null)
  /** My own report-ins, newest first (their status changes live). */
  const myReportIns = ref<ReportIn[]>([])
  /** The report-ins waiting for the branch, per community (loaded by the branch only). */
  const pendingReportIns = ref<Record<number, ReportIn[]>>({})
  /** Service projects per community. */
  const projects = ref<Record<number, ServiceProject[]>>({})

  /** Call-outs already put in front of me (or dismissed) in this session. */
  const noticed = new Set<number>()
  let client: RealtimeClient | null = null
  let unsubscribe: (() => void)[] = []

  const myId = computed(() => session.me?.id ?? 0)

  function listOf(when: When): Callout[] {
    return (lists.value[when] ?? []).map((id) => callouts.value[id]).filter((c): c is Callout => c !== undefined)
  }
  const upcoming = computed(() => listOf('upcoming'))
  const past = computed(() => listOf('past'))
  /** Communities where I may post call-outs. */
  const organising = computed(() => (party.value ?? []).filter((p) => p.may_organise))

  // ---- connection -------------------------------------------------------------------------

  function start(): void {
    if (client) return
    client = getRealtime()
    const c = client
    unsubscribe = [
      c.onOpen(() => void loadUnseen().catch(() => undefined)),
      c.on('callout.created', (e) => created(e.callout)),
      c.on('callout.updated', (e) => updated(e.callout)),
      c.on('callout.roster', rosterChanged),
      c.on('signup.changed', signupChanged),
      c.on('party.report_in', (e) => reportInChanged(e.report_in)),
      c.on('party.project', (e) => projectChanged(e.project)),
      c.on('resumed', (e) => {
        if (!e.complete) void resync()
      }),
    ]
    if (c.state === 'open' && c.ready) void loadUnseen().catch(() => undefined)
    c.start()
  }

  /** Forgets everything (log-out); the chat store closes the connection itself. */
  function stop(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    client = null
    noticed.clear()
    callouts.value = {}
    lists.value = { upcoming: null, past: null }
    rosters.value = {}
    notices.value = []
    promotions.value = []
    history.value = null
    party.value = null
    myReportIns.value = []
    pendingReportIns.value = {}
    projects.value = {}
  }

  /** Too much was missed to replay: reload what is on screen. */
  async function resync(): Promise<void> {
    await Promise.allSettled([
      loadUnseen(),
      ...(['upcoming', 'past'] as const).filter((w) => lists.value[w] !== null).map((w) => loadList(w)),
      ...Object.keys(rosters.value).map((id) => loadRoster(Number(id))),
      ...Object.keys(projects.value).map((id) => loadProjects(Number(id))),
      ...Object.keys(pendingReportIns.value).map((id) => loadPendingReportIns(Number(id))),
    ])
  }

  // ---- call-outs ----------------------------------------------------------------------------

  /** Keeps a call-out; `detail`: an HTTP answer, whose `me` and permissions replace mine. */
  function put(callout: Callout, detail: boolean): Callout {
    const before = callouts.value[callout.id]
    const next = detail ? { ...before, ...callout } : { ...before, ...shared(callout) }
    callouts.value[callout.id] = next
    return next
  }

  /** Puts a call-out into the loaded list it belongs to now (upcoming until it ends). */
  function place(callout: Callout): void {
    const when: When = hasEnded(callout) ? 'past' : 'upcoming'
    const other: When = when === 'past' ? 'upcoming' : 'past'
    const otherIds = lists.value[other]
    if (otherIds?.includes(callout.id)) lists.value[other] = otherIds.filter((id) => id !== callout.id)
    const ids = lists.value[when]
    if (!ids || ids.includes(callout.id)) return
    const sorted = [...listOf(when), callout].sort(byStart)
    lists.value[when] = (when === 'past' ? sorted.reverse() : sorted).map((c) => c.id)
  }

  async function loadList(when: When): Promise<Callout[]> {
    const found = await volunteerApi.listCallouts(when)
    for (const callout of found) put(callout, true)
    lists.value[when] = found.map((c) => c.id)
    return found
  }

  async function loadCallout(id: number): Promise<Callout> {
    return put(await volunteerApi.getCallout(id), true)
  }

  async function create(communityId: number, input: CalloutInput): Promise<Callout> {
    const made = put(await volunteerApi.createCallout(communityId, input), true)
    noticed.add(made.id) // my own: no notice for me
    place(made)
    return made
  }

  async function cancel(id: number, reason: string): Promise<Callout> {
    const answer = put(await volunteerApi.cancelCallout(id, reason), true)
    dropNotice(id)
    return answer
  }

  async function signUp(id: number): Promise<Callout> {
    const answer = put(await volunteerApi.signUp(id), true)
    place(answer)
    return answer
  }

  async function cancelSignUp(id: number): Promise<Callout> {
    return put(await volunteerApi.cancelSignUp(id), true)
  }

  function created(callout: Callout): void {
    const kept = put(callout, false)
    place(kept)
    if (kept.organiser.id !== myId.value && kept.status === 'open' && !hasStarted(kept) && queueNotice(kept)) alertCallout()
  }

  function updated(callout: Callout): void {
    const kept = put(callout, false)
    place(kept)
    if (kept.status !== 'open') dropNotice(kept.id)
    else if (notices.value.some((n) => n.id === kept.id)) notices.value = notices.value.map((n) => (n.id === kept.id ? kept : n))
  }

  function signupChanged(e: SignupChangedEvent): void {
    const known = callouts.value[e.callout_id]
    if (known) callouts.value[e.callout_id] = { ...known, me: e.signup }
    if (e.reason !== 'promoted') return
    if (known) promotions.value = [...promotions.value, { callout: callouts.value[e.callout_id] ?? known }]
    else {
      // The call-out is not loaded here: fetch it for its title.
      loadCallout(e.callout_id)
        .then((callout) => (promotions.value = [...promotions.value, { callout }]))
        .catch(() => undefined)
    }
  }

  function takePromotion(): Promotion | undefined {
    const [first, ...rest] = promotions.value
    promotions.value = rest
    return first
  }

  // ---- notices (call-outs to put in front of me) -------------------------------------------

  /** False when it was shown (or dismissed) before. */
  function queueNotice(callout: Callout): boolean {
    if (noticed.has(callout.id)) return false
    noticed.add(callout.id)
    notices.value = [...notices.value, callout].sort(byStart)
    return true
  }

  function dropNotice(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  /** On each connection: the call-outs for me that I have not seen yet. */
  async function loadUnseen(): Promise<void> {
    const found = await volunteerApi.unseenCallouts()
    let fresh = false
    for (const callout of found) {
      const kept = put(callout, false)
      if (kept.organiser.id !== myId.value && kept.status === 'open' && !hasEnded(kept)) fresh = queueNotice(kept) || fresh
    }
    if (fresh) alertCallout()
  }

  /** Done with the notice (signed up, or "later"): the server stops offering it. */
  async function dismiss(id: number): Promise<void> {
    dropNotice(id)
    await volunteerApi.markSeen(id)
  }

  // ---- organisers ---------------------------------------------------------------------------

  async function loadRoster(id: number): Promise<RosterEntry[]> {
    const found = await volunteerApi.roster(id)
    put(found.callout, false)
    rosters.value[id] = orderRoster(found.signups)
    return rosters.value[id]
  }

  function mergeRoster(id: number, entries: RosterEntry[]): void {
    const list = rosters.value[id]
    if (!list) return
    const byId = new Map(list.map((e) => [e.id, e]))
    for (const entry of entries) byId.set(entry.id, { ...byId.get(entry.id), ...entry })
    rosters.value[id] = orderRoster([...byId.values()])
  }

  function rosterChanged(e: CalloutRosterEvent): void {
    const known = callouts.value[e.callout_id]
    if (known) callouts.value[e.callout_id] = { ...known, confirmed: e.confirmed, waiting: e.waiting }
    mergeRoster(e.callout_id, e.entries)
  }

  async function updateEntry(id: number, signupId: number, change: { checked_in?: boolean; minutes?: number }): Promise<RosterEntry> {
    const entry = await volunteerApi.updateRosterEntry(id, signupId, change)
    mergeRoster(id, [entry])
    return entry
  }

  async function thank(id: number, input: ThanksInput): Promise<Callout> {
    return put(await volunteerApi.postThanks(id, input), true)
  }

  // ---- volunteers ---------------------------------------------------------------------------

  async function checkin(id: number, code: string): Promise<Callout> {
    return put(await volunteerApi.checkin(id, code), true)
  }

  async function loadHistory(): Promise<MyHistory> {
    history.value = await volunteerApi.myHistory()
    return history.value
  }

  // ---- party: where I stand, report-ins, projects -----------------------------------------------

  async function loadParty(): Promise<PartyMe[]> {
    party.value = await volunteerApi.partyMe()
    return party.value
  }

  function putParty(me: PartyMe): void {
    if (party.value) party.value = party.value.map((p) => (p.community.id === me.community.id ? me : p))
  }

  async function setIdentity(communityId: number, show: boolean): Promise<PartyMe> {
    const me = await volunteerApi.setIdentity(communityId, show)
    putParty(me)
    // The badge on my own name follows (session.isPartyMember reads my roles).
    session.refresh().catch(() => undefined)
    return me
  }

  async function loadMyReportIns(): Promise<ReportIn[]> {
    myReportIns.value = await volunteerApi.myReportIns()
    return myReportIns.value
  }

  async function submitReportIn(communityId: number, input: ReportInInput): Promise<ReportIn> {
    const made = await volunteerApi.reportIn(communityId, input)
    reportInChanged(made)
    return made
  }

  async function withdrawReportIn(report: ReportIn): Promise<void> {
    await volunteerApi.withdrawReportIn(report.id)
    reportInChanged({ ...report, status: 'withdrawn' })
  }

  async function loadPendingReportIns(communityId: number): Promise<ReportIn[]> {
    const found = await volunteerApi.communityReportIns(communityId, 'pending')
    pendingReportIns.value[communityId] = found
    return found
  }

  async function decideReportIn(report: ReportIn, decision: 'confirm' | 'reject', reason = ''): Promise<ReportIn> {
    const answer =
      decision === 'confirm' ? await volunteerApi.confirmReportIn(report.id) : await volunteerApi.rejectReportIn(report.id, reason)
    reportInChanged(answer)
    return answer
  }

  /** A report-in was submitted, withdrawn or decided (mine, or one of my branch's). */
  function reportInChanged(report: ReportIn): void {
    const communityId = report.community.id
    const queue = pendingReportIns.value[communityId]
    if (queue) {
      const rest = queue.filter((r) => r.id !== report.id)
      pendingReportIns.value[communityId] = report.status === 'pending' ? [...rest, report] : rest
    }
    if (report.user.id !== myId.value) return
    myReportIns.value = [report, ...myReportIns.value.filter((r) => r.id !== report.id)]
    const mine = party.value?.find((p) => p.community.id === communityId)
    if (mine) putParty({ ...mine, report_in: report })
    // Confirmed: I am a party member there now; ask where I stand (and for my badge).
    if (report.status === 'confirmed') {
      loadParty().catch(() => undefined)
      session.refresh().catch(() => undefined)
    }
  }

  async function loadProjects(communityId: number): Promise<ServiceProject[]> {
    projects.value[communityId] = await volunteerApi.projects(communityId)
    return projects.value[communityId]
  }

  function projectChanged(project: ServiceProject): void {
    const list = projects.value[project.community_id]
    if (!list) return
    projects.value[project.community_id] = list.some((p) => p.id === project.id)
      ? list.map((p) => (p.id === project.id ? project : p))
      : [project, ...list]
  }

  async function createProject(communityId: number, input: { title: string; description: string }): Promise<ServiceProject> {
    const made = await volunteerApi.createProject(communityId, input)
    projectChanged(made)
    return made
  }

  async function claimProject(id: number, claim: boolean): Promise<ServiceProject> {
    const answer = claim ? await volunteerApi.claimProject(id) : await volunteerApi.unclaimProject(id)
    projectChanged(answer)
    return answer
  }

  async function noteProject(id: number, text: string): Promise<ServiceProject> {
    const answer = await volunteerApi.addProjectNote(id, text)
    projectChanged(answer)
    return answer
  }

  async function setProjectStatus(id: number, status: ServiceProject['status']): Promise<ServiceProject> {
    const answer = await volunteerApi.updateProject(id, { status })
    projectChanged(answer)
    return answer
  }

  return {
    callouts,
    lists,
    upcoming,
    past,
    rosters,
    notices,
    promotions,
    history,
    party,
    organising,
    myReportIns,
    pendingReportIns,
    projects,
    myId,
    start,
    stop,
    loadList,
    loadCallout,
    create,
    cancel,
    signUp,
    cancelSignUp,
    takePromotion,
    loadUnseen,
    dismiss,
    loadRoster,
    updateEntry,
    thank,
    checkin,
    loadHistory,
    loadParty,
    setIdentity,
    loadMyReportIns,
    submitReportIn,
    withdrawReportIn,
    loadPendingReportIns,
    decideReportIn,
    loadProjects,
    createProject,
    claimProject,
    noteProject,
    setProjectStatus,
  }
})
