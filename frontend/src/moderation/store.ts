/**
 * What moderation means for me as a member: my mutes and suspensions in force (kept current
 * by `restriction.changed`) and the items I reported this session ("已举报").
 *
 * The moderator's own actions live where the items are: the chat store for messages and
 * groups, the boards page for posts and comments.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { ApiError } from '../api'
import { RealtimeError, getRealtime, type RealtimeClient } from '../realtime'
import { useSessionStore } from '../stores/session'
import * as api from './api'
import type { Report, ReportInput, ReportTarget, Restriction } from './types'

/** Error codes of a write refused because of a restriction: the banner is due for an update. */
export const RESTRICTED_CODES: ReadonlySet<string> = new Set(['muted', 'suspended'])

/** The error's code, whether it came over HTTP or the WebSocket. */
export function errorCode(error: unknown): string {
  return error instanceof ApiError || error instanceof RealtimeError ? error.code : ''
}

export function isActive(restriction: Restriction, now: number): boolean {
  return !restriction.lifted_at && Date.parse(restriction.until) > now
}

export const useModerationStore = defineStore('moderation', () => {
  const session = useSessionStore()

  const restrictions = ref<Restriction[]>([])
  /** My restrictions came from the server: from now on they (and their frames) are the truth. */
  const loaded = ref(false)
  /** `${kind}:${id}` of the items I reported. */
  const reported = ref<Record<string, number>>({})
  /** The clock the "in force" checks use: moved on when the next restriction ends. */
  const now = ref(Date.now())

  let client: RealtimeClient | null = null
  let unsubscribe: (() => void)[] = []
  let expiryTimer: ReturnType<typeof setTimeout> | null = null
  let loading: Promise<void> | null = null

  const active = computed(() => restrictions.value.filter((r) => isActive(r, now.value)))

  /** Follows my restrictions live (once; pages that offer writing call it). */
  function start(): void {
    if (client || !session.isLoggedIn) return
    client = getRealtime()
    unsubscribe = [
      client.on('restriction.changed', (e) => changed(e.restriction)),
      // Reconnected: what was decided meanwhile comes again from the server.
      client.onOpen(({ reconnected }) => {
        if (reconnected) void load()
      }),
    ]
    void load()
  }

  function stop(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    client = null
    if (expiryTimer) clearTimeout(expiryTimer)
    expiryTimer = null
    loading = null
    restrictions.value = []
    loaded.value = false
    reported.value = {}
  }

  // Another person logs in on this device: nothing of the last one's carries over.
  watch(
    () => session.me?.id,
    (id, before) => {
      if (id !== before) stop()
    },
  )

  /** My restrictions in force, from the server (a failure keeps what is known). */
  function load(): Promise<void> {
    loading ??= api
      .myRestrictions()
      .then((list) => {
        restrictions.value = list
        loaded.value = true
        scheduleExpiry()
      })
      .catch(() => undefined)
      .finally(() => (loading = null))
    return loading
  }

  function changed(restriction: Restriction): void {
    const others = restrictions.value.filter((r) => r.id !== restriction.id)
    restrictions.value = isActive(restriction, Date.now()) ? [...others, restriction] : others
    scheduleExpiry()
  }

  /** The banner goes away by itself when the restriction ends. */
  function scheduleExpiry(): void {
    if (expiryTimer) clearTimeout(expiryTimer)
    expiryTimer = null
    now.value = Date.now()
    const ends = active.value.map((r) => Date.parse(r.until)).filter((t) => t > now.value)
    if (!ends.length) return
    // setTimeout's longest wait is ~24.8 days; a later end is checked again then.
    const wait = Math.min(Math.min(...ends) - now.value + 50, 2 ** 31 - 1)
    expiryTimer = setTimeout(scheduleExpiry, wait)
  }

  /** The community a place (an estate of mine, or the community itself) belongs to. */
  function communityOf(place: number): number {
    const membership = session.me?.memberships.find((m) => m.estate.id === place)
    return membership ? membership.community.id : place
  }

  /**
   * What keeps me from writing there: a mute in the conversation, or a suspension in the
   * community (the one ending last, when both).
   */
  function restrictionFor(where: { conversation?: number; place?: number | null }): Restriction | null {
    const community = where.place ? communityOf(where.place) : null
    const applies = active.value.filter(
      (r) =>
        (r.kind === 'mute' && where.conversation !== undefined && r.conversation === where.conversation) ||
        (r.kind === 'suspension' && community !== null && r.community.id === community),
    )
    return applies.sort((a, b) => Date.parse(b.until) - Date.parse(a.until))[0] ?? null
  }

  /** A write was refused because of a restriction I did not know about yet: ask again. */
  function noteRefusal(error: unknown): void {
    if (RESTRICTED_CODES.has(errorCode(error))) void load()
  }

  function key(kind: ReportTarget, id: number): string {
    return `${kind}:${id}`
  }

  function isReported(kind: ReportTarget, id: number): boolean {
    return key(kind, id) in reported.value
  }

  async function report(input: ReportInput): Promise<Report> {
    const created = await api.reportCreate(input)
    reported.value[key(input.target_kind, input.target_id)] = created.id
    return created
  }

  return {
    restrictions,
    loaded,
    reported,
    active,
    start,
    stop,
    load,
    restrictionFor,
    communityOf,
    noteRefusal,
    isReported,
    report,
  }
})
