/**
 * The committee console: what waits for one community's committee, who is handling what,
 * and the actions on each item. Loaded over HTTP and kept current by the frames of the
 * committee's `staff.<community>` stream, so every open console of the committee shows each
 * change at once:
 *
 * - `console.claimed` / `console.gated` change one item in place;
 * - a decision (`console.item_removed`, `application.decided`, `topic.proposal.decided`,
 *   `topic.application.decided`, `letter.read`, a report no longer open, a `party.report_in`
 *   no longer pending) takes it away;
 * - a case (身边事) comes with `case.created` and leaves or changes with `case.queue`;
 * - something new (`application.submitted`, `post.pending`, `report.opened`, `topic.proposed`,
 *   `topic.application`, `letter.new`, a pending `party.report_in`) reloads the list (shortly,
 *   once for a burst): those frames carry too little to show the item.
 *
 * Opening an item claims it; the claim is renewed while the item stays open and given back
 * when it is closed. Supervisors above the community only read its console; they do not
 * follow the committee's stream, so theirs is reloaded every minute instead.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '../api'
import * as boardsApi from '../boards/api'
import * as consoleApi from '../console/api'
import * as moderationApi from '../moderation/api'
import * as volunteerApi from '../volunteer/api'
import {
  CONSOLE_KINDS,
  type ConsoleCommunity,
  type ConsoleItem,
  type ConsoleKind,
  type ConsolePage,
  type Delegation,
  type ReportExtra,
} from '../console/types'
import { getRealtime, type RealtimeClient } from '../realtime'
import type { Person } from '../realtime/protocol'
import { useSessionStore } from './session'

/** How long to wait for more news before reloading the list. */
export const RELOAD_DELAY_MS = 300
/** How often an open item's claim is renewed (the server lets a claim lapse after 30 min). */
export const RENEW_EVERY_MS = 10 * 60 * 1000
/** Supervisors do not follow the committee's stream: their read-only console is reloaded this often. */
export const READ_ONLY_RELOAD_MS = 60 * 1000

/** What can be done to an item from the console (each needs `may_decide`). */
export type ConsoleAction =
  | 'approve'
  | 'confirm'
  | 'reject'
  | 'read'
  | 'dismiss'
  | 'hide'
  | 'remove'
  | 'suspend'
  | 'revoke'

export interface ActionInput {
  reason?: string
  minutes?: number
}

const ARRIVALS = [
  'application.submitted',
  'post.pending',
  'report.opened',
  'topic.proposed',
  'topic.application',
  'letter.new',
  // Who may decide gated items changed: each item's may_decide comes again from the server.
  'console.delegations',
] as const

/**
 * The message key naming `action` on an item of `kind` (its button, dialog title and, with
 * `done`, the toast after it): a report-in is confirmed or turned down (驳回), not rejected.
 */
export function actionKey(kind: ConsoleKind, action: ConsoleAction, done = false): string {
  const name = kind === 'report_in' && action === 'reject' ? 'rejectReportIn' : action
  return `console.${done ? 'done' : 'actions'}.${name}`
}

export function itemKey(kind: ConsoleKind, id: number): string {
  return `${kind}:${id}`
}

export const useConsoleStore = defineStore('console', () => {
  const session = useSessionStore()

  const consoles = ref<ConsoleCommunity[]>([])
  const page = ref<ConsolePage | null>(null)
  const items = ref<ConsoleItem[]>([])
  const loading = ref(false)
  const error = ref('')
  /** The item open in this console (claimed by me when I may act). */
  const openKey = ref<string | null>(null)

  let client: RealtimeClient | null = null
  let unsubscribe: (() => void)[] = []
  let reloadTimer: ReturnType<typeof setTimeout> | null = null
  let renewTimer: ReturnType<typeof setInterval> | null = null
  let pollTimer: ReturnType<typeof setInterval> | null = null
  let latestLoad = 0

  const communityId = computed(() => page.value?.community.id ?? null)
  const myId = computed(() => session.me?.id ?? 0)
  const groups = computed(() =>
    CONSOLE_KINDS.map((kind) => ({ kind, items: items.value.filter((item) => item.kind === kind) })).filter(
      (group) => group.items.length > 0,
    ),
  )
  const total = computed(() => items.value.length)

  function find(kind: ConsoleKind, id: number): ConsoleItem | undefined {
    return items.value.find((item) => item.kind === kind && item.id === id)
  }

  function patch(kind: ConsoleKind, id: number, change: Partial<ConsoleItem>): void {
    items.value = items.value.map((item) => (item.kind === kind && item.id === id ? { ...item, ...change } : item))
  }

  function drop(kind: ConsoleKind, id: number): void {
    items.value = items.value.filter((item) => !(item.kind === kind && item.id === id))
    if (openKey.value === itemKey(kind, id)) stopRenewing()
  }

  /** Someone else's claim: the item is theirs, not (any more) open here. */
  function heldByOther(item: ConsoleItem | undefined): boolean {
    return !!item?.claimed_by && item.claimed_by.id !== myId.value
  }

  // ---- loading ------------------------------------------------------------------------------

  async function loadConsoles(): Promise<ConsoleCommunity[]> {
    consoles.value = await consoleApi.listConsoles()
    return consoles.value
  }

  /** Opens the console of a community and follows its live frames. */
  async function open(community: number): Promise<void> {
    if (communityId.value !== community) {
      openKey.value = null
      stopRenewing()
      items.value = []
    }
    listen()
    await reload(community)
  }

  async function reload(community = communityId.value): Promise<void> {
    if (community === null) return
    const ticket = ++latestLoad
    loading.value = true
    error.value = ''
    try {
      const found = await consoleApi.getConsole(community)
      if (ticket !== latestLoad) return
      page.value = { ...found, items: [] }
      items.value = found.items
      poll(!found.staff)
      if (openKey.value && !items.value.some((item) => itemKey(item.kind, item.id) === openKey.value)) {
        openKey.value = null
        stopRenewing()
      }
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e
      if (ticket === latestLoad) error.value = e.detail
    } finally {
      if (ticket === latestLoad) loading.value = false
    }
  }

  function poll(on: boolean): void {
    if (on && !pollTimer) pollTimer = setInterval(() => void reload(), READ_ONLY_RELOAD_MS)
    if (!on && pollTimer) {
      clearInterval(pollTimer)
      pollTimer = null
    }
  }

  function reloadSoon(): void {
    if (reloadTimer) return
    reloadTimer = setTimeout(() => {
      reloadTimer = null
      void reload()
    }, RELOAD_DELAY_MS)
  }

  // ---- live frames --------------------------------------------------------------------------

  function listen(): void {
    if (client) return
    client = getRealtime()
    const c = client
    const on = c.on.bind(c)
    const mine = (frame: { stream?: string }) => communityId.value !== null && frame.stream === `staff.${communityId.value}`
    unsubscribe = [
      on('console.claimed', (e) => {
        if (!mine(e)) return
        patch(e.kind, e.item_id, { claimed_by: e.by, claimed_at: e.at })
        if (openKey.value === itemKey(e.kind, e.item_id) && e.by && e.by.id !== myId.value) stopRenewing()
      }),
      on('console.gated', (e) => {
        if (!mine(e)) return
        const decider = !!page.value?.staff && !!page.value?.gatekeeper
        patch(e.kind, e.item_id, { gated: e.gated, gate_note: e.gate_note, gated_by: e.gated_by, may_decide: decider })
      }),
      on('console.item_removed', (e) => {
        if (mine(e)) drop(e.kind, e.item_id)
      }),
      on('report.updated', (e) => {
        if (!mine(e)) return
        if (e.report.status !== 'open') drop('report', e.report.id)
        else reloadSoon()
      }),
      on('topic.proposal.decided', (e) => {
        if (mine(e)) drop('topic_proposal', e.conversation_id)
      }),
      on('topic.application.decided', (e) => {
        if (mine(e) && e.status !== 'pending') drop('topic_application', e.participant_id)
      }),
      // Submitted (pending: reload to show it), or confirmed, rejected or withdrawn (drop it).
      on('party.report_in', (e) => {
        if (!mine(e)) return
        if (e.report_in.status === 'pending') reloadSoon()
        else drop('report_in', e.report_in.id)
      }),
      ...ARRIVALS.map((type) =>
        on(type, (e: { stream?: string }) => {
          if (mine(e)) reloadSoon()
        }),
      ),
      c.on('application.decided', (e) => {
        if (mine(e) && e.status !== 'pending') drop('application', e.application_id)
      }),
      c.on('letter.read', (e) => {
        if (mine(e) && typeof e.letter_id === 'number') drop('letter', e.letter_id)
      }),
      c.on('post.deleted', (e) => {
        if (mine(e)) drop('post', e.post_id)
      }),
      // An approved post is published on the community's feed, which the committee follows.
      c.on('post.created', (e) => {
        if (e.post.status === 'published') drop('post', e.post.id)
      }),
      // Cases (身边事) at the community tier: new ones are shown, ones that leave the
      // committee's queue (escalated, resolved, merged …) go, a flag changes in place.
      c.on('case.created', (e) => {
        if (mine(e)) reloadSoon()
      }),
      c.on('case.queue', (e) => {
        if (e.unit.kind !== 'community' || e.unit.id !== communityId.value) return
        const known = find('case', e.case_id)
        if (e.action === 'removed') drop('case', e.case_id)
        else if (!known || !e.case) reloadSoon()
        else patch('case', e.case_id, { extra: { ...known.extra, flag: e.case.flag, status: e.case.status, tier: e.case.tier } })
      }),
      c.on('case.flagged', (e) => {
        const known = find('case', e.case_id)
        if (mine(e) && known) patch('case', e.case_id, { extra: { ...known.extra, flag: e.flag } })
      }),
      c.on('resumed', (e) => {
        if (!e.complete) void reload()
      }),
      c.onOpen((info) => {
        if (info.reconnected) void reload()
      }),
    ]
    c.start()
  }

  /** Leaves the console: stops listening and gives back the item I had open. */
  function close(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    client = null
    if (reloadTimer) clearTimeout(reloadTimer)
    reloadTimer = null
    poll(false)
    const key = openKey.value
    if (key) {
      const item = items.value.find((i) => itemKey(i.kind, i.id) === key)
      if (item && item.claimed_by?.id === myId.value) consoleApi.releaseItem(item.kind, item.id).catch(() => undefined)
    }
    openKey.value = null
    stopRenewing()
    page.value = null
    items.value = []
  }

  // ---- claims -------------------------------------------------------------------------------

  function startRenewing(kind: ConsoleKind, id: number): void {
    stopRenewing()
    renewTimer = setInterval(() => {
      consoleApi.claimItem(kind, id).catch(() => stopRenewing())
    }, RENEW_EVERY_MS)
  }

  function stopRenewing(): void {
    if (renewTimer) clearInterval(renewTimer)
    renewTimer = null
  }

  function applyClaim(answer: ConsoleItem): void {
    patch(answer.kind, answer.id, { claimed_by: answer.claimed_by, claimed_at: answer.claimed_at })
  }

  /**
   * Opens an item; staff claim it on the way. Someone else's claim is shown, not taken: the
   * item opens read-only until they let go or it is taken over (`takeOver`).
   */
  async function openItem(item: ConsoleItem): Promise<void> {
    const key = itemKey(item.kind, item.id)
    if (openKey.value && openKey.value !== key) await closeItem()
    openKey.value = key
    if (!page.value?.staff || heldByOther(item)) return
    try {
      applyClaim(await consoleApi.claimItem(item.kind, item.id))
      startRenewing(item.kind, item.id)
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e
      if (e.code === 'claimed') {
        const name = e.errors.claimed_by ?? ''
        const current = find(item.kind, item.id)
        if (current && !heldByOther(current)) patch(item.kind, item.id, { claimed_by: { id: -1, name } })
        void reload()
      } else if (e.code === 'not_pending' || e.status === 404) {
        drop(item.kind, item.id)
      } else throw e
    }
  }

  /** Closes the open item and gives back my claim on it. */
  async function closeItem(): Promise<void> {
    const key = openKey.value
    openKey.value = null
    stopRenewing()
    const item = items.value.find((i) => itemKey(i.kind, i.id) === key)
    if (!item || item.claimed_by?.id !== myId.value) return
    patch(item.kind, item.id, { claimed_by: null, claimed_at: null })
    await consoleApi.releaseItem(item.kind, item.id).catch(() => undefined)
  }

  /** Takes an item over from whoever has it (they see it at once). */
  async function takeOver(item: ConsoleItem): Promise<void> {
    applyClaim(await consoleApi.claimItem(item.kind, item.id, true))
    openKey.value = itemKey(item.kind, item.id)
    startRenewing(item.kind, item.id)
  }

  async function refer(item: ConsoleItem, note: string): Promise<void> {
    const answer = await consoleApi.referItem(item.kind, item.id, note)
    patch(item.kind, item.id, {
      gated: answer.gated,
      gate_note: answer.gate_note,
      gated_by: answer.gated_by,
      may_decide: answer.may_decide,
    })
  }

  // ---- acting -------------------------------------------------------------------------------

  /** The reported content's author, whom `suspend` and `revoke` concern. */
  function subjectOf(item: ConsoleItem): Person | null {
    return item.author
  }

  /**
   * Does `action` on `item` through the endpoint that owns it. A decided item leaves the list
   * at once (the other consoles learn it from the live frames); a 409 means someone else
   * decided first, and the list is reloaded.
   */
  async function act(item: ConsoleItem, action: ConsoleAction, input: ActionInput = {}): Promise<void> {
    const reason = (input.reason ?? '').trim()
    const community = item.community
    try {
      await perform(item, action, reason, input.minutes ?? 0, community)
    } catch (e) {
      if (e instanceof api.ApiError && (e.code === 'not_pending' || e.code === 'already_decided' || e.status === 404)) {
        void reload()
      }
      throw e
    }
    const decides = action !== 'suspend' && action !== 'revoke'
    if (decides) {
      if (openKey.value === itemKey(item.kind, item.id)) {
        openKey.value = null
        stopRenewing()
      }
      // The deciding service ends the claim; giving it back as well costs nothing if it did.
      if (find(item.kind, item.id)?.claimed_by?.id === myId.value) {
        consoleApi.releaseItem(item.kind, item.id).catch(() => undefined)
      }
      drop(item.kind, item.id)
    }
  }

  async function perform(item: ConsoleItem, action: ConsoleAction, reason: string, minutes: number, community: number): Promise<void> {
    const approve = action === 'approve'
    switch (item.kind) {
      case 'application':
        if (approve) await api.approveApplication(item.id)
        else if (action === 'reject') await api.rejectApplication(item.id, reason)
        else break
        return
      case 'post':
        if (approve || action === 'reject') await boardsApi.reviewPost(item.id, approve ? 'approve' : 'reject', reason)
        else break
        return
      case 'topic_proposal':
        if (approve) await api.approveTopic(item.id)
        else if (action === 'reject') await api.rejectTopic(item.id, reason)
        else break
        return
      case 'topic_application':
        if (approve) await api.approveTopicApplication(item.id)
        else if (action === 'reject') await api.rejectTopicApplication(item.id)
        else break
        return
      case 'letter':
        if (action === 'read') await api.markLetterRead(item.id)
        else break
        return
      case 'report': {
        const extra = item.extra as unknown as ReportExtra
        const author = subjectOf(item)
        if (action === 'dismiss') await consoleApi.dismissReport(item.id, reason)
        else if (action === 'hide' || action === 'remove') await moderateContent(extra, action, reason)
        else if (action === 'suspend' && author)
          await moderationApi.suspensionCreate(community, { user_id: author.id, minutes, reason })
        else if (action === 'revoke' && author) await consoleApi.revokeMember(community, author.id, reason)
        else break
        return
      }
      case 'report_in':
        if (action === 'confirm') await volunteerApi.confirmReportIn(item.id)
        else if (action === 'reject') await volunteerApi.rejectReportIn(item.id, reason)
        else break
        return
    }
    throw new Error(`${action} does not apply to ${item.kind}`)
  }

  /** Hides or removes the reported message, post or comment (its open report is then actioned). */
  function moderateContent(extra: ReportExtra, action: 'hide' | 'remove', reason: string): Promise<unknown> {
    const { target_kind: kind, target_id: id } = extra
    if (kind === 'message') return moderationApi.messageModerate(id, action, reason)
    if (kind === 'post') return moderationApi.postModerate(id, action, reason)
    return moderationApi.commentModerate(id, action, reason)
  }

  // ---- delegations (the party secretary) ----------------------------------------------------

  const delegations = ref<Delegation[]>([])
  const candidates = ref<Person[]>([])

  async function loadDelegations(): Promise<void> {
    const community = communityId.value
    if (community === null) return
    const [active, people] = await Promise.all([
      consoleApi.listDelegations(community),
      page.value?.secretary ? consoleApi.delegationCandidates(community) : Promise.resolve([]),
    ])
    delegations.value = active
    candidates.value = people
  }

  async function addDelegate(userId: number): Promise<void> {
    const community = communityId.value
    if (community === null) return
    const made = await consoleApi.delegate(community, userId)
    delegations.value = [...delegations.value.filter((d) => d.id !== made.id), made]
  }

  async function endDelegation(delegationId: number): Promise<void> {
    const community = communityId.value
    if (community === null) return
    await consoleApi.undelegate(community, delegationId)
    delegations.value = delegations.value.filter((d) => d.id !== delegationId)
  }

  return {
    consoles,
    page,
    items,
    loading,
    error,
    openKey,
    communityId,
    groups,
    total,
    delegations,
    candidates,
    find,
    heldByOther,
    loadConsoles,
    open,
    reload,
    close,
    openItem,
    closeItem,
    takeOver,
    refer,
    act,
    loadDelegations,
    addDelegate,
    endDelegation,
  }
})
