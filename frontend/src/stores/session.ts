import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '../api'
import { setTimeZone } from '../time'
import type { Me, PasswordResetInput, Place, RoleKind } from '../types'
import { useDisplayStore } from './display'

/** Roles that run a community (and read its committee letters, moderate its groups). */
export const STAFF_ROLES: readonly RoleKind[] = ['committee_member', 'social_worker', 'party_secretary']
const COMMUNITY_KINDS: readonly Place['kind'][] = ['residents_committee', 'village']

/**
 * Who is logged in. Loaded once on the first guarded navigation, refreshed after changes.
 * The same answer carries the place's time zone, and the display the person chose.
 */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null)
  const loaded = ref(false)
  let fetchedAt = 0
  let pending: Promise<Me | null> | null = null

  const isLoggedIn = computed(() => me.value !== null)
  const canReview = computed(() => (me.value?.can_review.length ?? 0) > 0)
  const isPartyMember = computed(
    () => me.value?.roles.some((role) => role.kind === 'party_member' && role.show_identity) ?? false,
  )

  /** The communities I live in or work for, each once: where my neighbours and groups are. */
  const communities = computed<Place[]>(() => {
    const found = new Map<number, Place>()
    for (const m of me.value?.memberships ?? []) if (!found.has(m.community.id)) found.set(m.community.id, m.community)
    for (const role of me.value?.roles ?? []) {
      if (COMMUNITY_KINDS.includes(role.place.kind) && !found.has(role.place.id)) found.set(role.place.id, role.place)
    }
    return [...found.values()]
  })
  /** Communities whose committee I sit on. */
  const staffCommunityIds = computed(
    () =>
      new Set(
        (me.value?.roles ?? [])
          .filter((role) => STAFF_ROLES.includes(role.kind) && COMMUNITY_KINDS.includes(role.place.kind))
          .map((role) => role.place.id),
      ),
  )
  const isStaff = computed(() => staffCommunityIds.value.size > 0)

  function set(user: Me | null): Me | null {
    me.value = user
    loaded.value = true
    fetchedAt = Date.now()
    useDisplayStore().adopt(user)
    return user
  }

  /** Asks the server who is logged in (again). */
  function refresh(): Promise<Me | null> {
    pending ??= api
      .getSession()
      .then((session) => {
        setTimeZone(session.time_zone)
        return set(session.user)
      })
      .finally(() => (pending = null))
    return pending
  }

  /** Asks the server again unless the answer we have is younger than `maxAgeMs`. */
  function revalidate(maxAgeMs: number): Promise<Me | null> {
    return loaded.value && Date.now() - fetchedAt < maxAgeMs ? Promise.resolve(me.value) : refresh()
  }

  /** The current user, asking the server only the first time. */
  function load(): Promise<Me | null> {
    return loaded.value ? Promise.resolve(me.value) : refresh()
  }

  async function login(username: string, password: string): Promise<Me> {
    const user = await api.login(username, password)
    set(user)
    return user
  }

  /** A new password by SMS code; the server logs the person in. */
  async function resetPassword(input: PasswordResetInput): Promise<Me> {
    const user = await api.resetPassword(input)
    set(user)
    return user
  }

  async function logout(): Promise<void> {
    await api.logout()
    set(null)
  }

  /** Forget the user locally (the server said the session is gone). */
  function clear(): void {
    set(null)
  }

  return {
    me,
    loaded,
    isLoggedIn,
    canReview,
    isPartyMember,
    communities,
    staffCommunityIds,
    isStaff,
    set,
    refresh,
    revalidate,
    load,
    login,
    resetPassword,
    logout,
    clear,
  }
})
