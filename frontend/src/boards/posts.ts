/**
 * Pure helpers of the boards store: a board's list (pinned posts, the others newest first, and
 * the new posts waiting behind the "N new posts" bar) and how a post is put into it.
 */
import type { Board, BoardComment, PostSummary } from './types'

export interface BoardList {
  pinned: PostSummary[]
  posts: PostSummary[]
  /** New posts that arrived while the reader was scrolled down: shown when they tap the bar. */
  incoming: PostSummary[]
  /** Cursor of the next (older) page; null when there is none. */
  nextBefore: number | null
  loaded: boolean
  /** The search these results are for ('' for the whole board). */
  q: string
}

export function emptyList(): BoardList {
  return { pinned: [], posts: [], incoming: [], nextBefore: null, loaded: false, q: '' }
}

/** Newest first (post ids grow with time), each post once. */
export function newestFirst(posts: readonly PostSummary[]): PostSummary[] {
  const byId = new Map<number, PostSummary>()
  for (const post of posts) byId.set(post.id, post)
  return [...byId.values()].sort((a, b) => b.id - a.id)
}

export function listHas(list: BoardList, postId: number): boolean {
  return [list.pinned, list.posts, list.incoming].some((part) => part.some((p) => p.id === postId))
}

export function removeFromList(list: BoardList, postId: number): boolean {
  const before = list.pinned.length + list.posts.length + list.incoming.length
  list.pinned = list.pinned.filter((p) => p.id !== postId)
  list.posts = list.posts.filter((p) => p.id !== postId)
  list.incoming = list.incoming.filter((p) => p.id !== postId)
  return list.pinned.length + list.posts.length + list.incoming.length !== before
}

/** Puts `post` where it belongs now: among the pinned ones (not in search results) or the others. */
export function insertPost(list: BoardList, post: PostSummary): void {
  removeFromList(list, post.id)
  if (post.status !== 'published') return
  if (post.pinned && !list.q) list.pinned = newestFirst([...list.pinned, post])
  else list.posts = newestFirst([...list.posts, post])
}

/**
 * A changed post (edited, pinned, restored, its state moved): replaced where it is, moved
 * between pinned and the others, dropped when no longer published. A post not in the list
 * comes in only when it falls inside the loaded range (a restored one), never in search results.
 */
export function updatePost(list: BoardList, post: PostSummary): void {
  const waiting = list.incoming.findIndex((p) => p.id === post.id)
  if (waiting >= 0) {
    if (post.status === 'published') list.incoming.splice(waiting, 1, post)
    else list.incoming.splice(waiting, 1)
    return
  }
  if (listHas(list, post.id)) {
    insertPost(list, post)
    return
  }
  if (!list.loaded || list.q || post.status !== 'published') return
  const oldest = list.posts.at(-1)?.id
  const inRange = post.pinned || list.nextBefore === null || (oldest !== undefined && post.id > oldest)
  if (inRange) insertPost(list, post)
}

/** The waiting new posts join the list (at the top). */
export function showIncoming(list: BoardList): number {
  const waiting = list.incoming
  list.incoming = []
  for (const post of waiting) insertPost(list, post)
  return waiting.length
}

/** A first page replaces the list; a later page is added below. */
export function applyPage(
  list: BoardList,
  page: { pinned?: PostSummary[]; posts: PostSummary[]; next_before: number | null },
  { first, q }: { first: boolean; q: string },
): void {
  if (first) {
    list.pinned = q ? [] : newestFirst(page.pinned ?? [])
    list.posts = []
    list.incoming = []
    list.q = q
  }
  const pinnedIds = new Set(list.pinned.map((p) => p.id))
  list.posts = newestFirst([...list.posts, ...page.posts.filter((p) => !pinnedIds.has(p.id))])
  list.nextBefore = page.next_before ?? null
  list.loaded = true
}

/** Changes the post `id` wherever the list shows it. */
export function patchList(list: BoardList, id: number, change: (post: PostSummary) => PostSummary): void {
  for (const key of ['pinned', 'posts', 'incoming'] as const) {
    if (list[key].some((p) => p.id === id)) list[key] = list[key].map((p) => (p.id === id ? change(p) : p))
  }
}

// ---- comments ---------------------------------------------------------------------------

/** Adds a comment to the thread (a reply under its top comment), once. */
export function addComment(thread: readonly BoardComment[], comment: BoardComment): BoardComment[] {
  const known = thread.some((c) => c.id === comment.id || c.replies?.some((r) => r.id === comment.id))
  if (known) return replaceComment(thread, comment.id, () => comment)
  if (comment.parent_id) {
    const parent = thread.find((c) => c.id === comment.parent_id)
    if (parent) {
      return thread.map((c) => (c === parent ? { ...c, replies: [...(c.replies ?? []), comment] } : c))
    }
    // A reply to a reply: the server attaches it to the top comment, which we then look for.
    const top = thread.find((c) => c.replies?.some((r) => r.id === comment.parent_id))
    if (top) return thread.map((c) => (c === top ? { ...c, replies: [...(c.replies ?? []), comment] } : c))
  }
  return [...thread, { ...comment, replies: comment.replies ?? [] }]
}

export function replaceComment(
  thread: readonly BoardComment[],
  id: number,
  change: (comment: BoardComment) => BoardComment,
): BoardComment[] {
  return thread.map((c) => {
    if (c.id === id) return { ...change(c), replies: c.replies }
    if (c.replies?.some((r) => r.id === id)) return { ...c, replies: c.replies.map((r) => (r.id === id ? change(r) : r)) }
    return c
  })
}

// ---- boards -----------------------------------------------------------------------------

/** Kinds in tab order, then by place (in the order places were made: 一期 before 二期). */
export function orderBoards(boards: readonly Board[], kinds: readonly string[]): Board[] {
  const rank = (b: Board) => {
    const index = kinds.indexOf(b.kind)
    return index < 0 ? kinds.length : index
  }
  return [...boards].sort((a, b) => rank(a) - rank(b) || a.place.id - b.place.id || a.id - b.id)
}

export function isExpired(post: Pick<PostSummary, 'expires_at'>, now = Date.now()): boolean {
  if (!post.expires_at) return false
  const at = Date.parse(post.expires_at)
  return !Number.isNaN(at) && at <= now
}
