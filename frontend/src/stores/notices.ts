import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { useBoardsStore } from './boards'
import { useVolunteerStore } from './volunteer'

export type NoticeKind = 'urgent' | 'callout'

export interface QueuedNotice {
  kind: NoticeKind
  id: number
  title: string
  /** `${kind}-${id}`: one notice, whatever list it came from. */
  key: string
}

export interface NoticePage {
  /** The page's path: a new page is a new visit. */
  path: string
  /** A page the person came to work on (route meta `workPage`). */
  work: boolean
  /** Kinds never shown on this page (route meta `hideNotices`). */
  hides: readonly NoticeKind[]
}

/**
 * One pop-up at a time. Urgent notices still to acknowledge and volunteer call-outs not yet
 * seen wait in one queue, urgent notices first; only the first is shown. On a page the
 * person came to work on (reviewing, the console, writing), after one pop-up during the
 * visit the next waits in a dismissible banner instead of blocking the page, until the
 * person opens it. The pop-ups themselves (UrgentNotices, CalloutNotices) and the banner
 * (NoticeBanner) ask here whether, and how, to show.
 */
export const useNoticesStore = defineStore('notices', () => {
  const boards = useBoardsStore()
  const volunteer = useVolunteerStore()
  const page = ref<NoticePage>({ path: '', work: false, hides: [] })
  /** Keys shown as a pop-up during this visit, and keys the person asked to open. */
  const shown = ref<string[]>([])
  const opened = ref<string[]>([])

  const queue = computed<QueuedNotice[]>(() =>
    [
      ...boards.urgent.map((post) => ({ kind: 'urgent' as const, id: post.id, title: post.title })),
      ...volunteer.notices.map((callout) => ({ kind: 'callout' as const, id: callout.id, title: callout.title })),
    ]
      .filter((notice) => !page.value.hides.includes(notice.kind))
      .map((notice) => ({ ...notice, key: `${notice.kind}-${notice.id}` })),
  )
  const head = computed<QueuedNotice | null>(() => queue.value[0] ?? null)
  /** Shown as a pop-up during this visit and since dealt with (no longer waiting). One that
   * gave way to an urgent notice arriving later is still waiting: it does not count. */
  const handled = computed(() => shown.value.filter((key) => !queue.value.some((n) => n.key === key)))
  const mode = computed<'dialog' | 'banner' | null>(() => {
    const notice = head.value
    if (!notice) return null
    if (!page.value.work || opened.value.includes(notice.key)) return 'dialog'
    return handled.value.length ? 'banner' : 'dialog'
  })
  /** The notice to show as a pop-up now, if any. */
  const dialog = computed(() => (mode.value === 'dialog' ? head.value : null))
  /** The notice waiting in the banner, if any. */
  const banner = computed(() => (mode.value === 'banner' ? head.value : null))
  /** How many wait behind the one shown. */
  const waiting = computed(() => Math.max(0, queue.value.length - 1))

  watch(
    dialog,
    (notice) => {
      if (notice && !shown.value.includes(notice.key)) shown.value = [...shown.value, notice.key]
    },
    { immediate: true },
  )

  /** The router went to another page (or the same page again with other meta). */
  function enter(next: NoticePage): void {
    if (next.path !== page.value.path) {
      shown.value = []
      opened.value = []
    }
    page.value = next
  }

  /** The person asked to see the banner's notice: it opens as the pop-up. */
  function open(key: string): void {
    if (!opened.value.includes(key)) opened.value = [...opened.value, key]
  }

  return { queue, head, mode, dialog, banner, waiting, enter, open }
})
