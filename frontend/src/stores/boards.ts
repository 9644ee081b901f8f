/**
 * Boards: the boards I may read, each board's list, unread counts, the open post and its
 * comments, the review queue and the urgent notices still to acknowledge. Loaded over HTTP,
 * kept current by the live `post.*` and `comment.*` frames of the app's one connection.
 *
 * A post published on a board reaches me on each stream I follow that carries it (a notice of
 * my community arrives on the community feed and, for a supervisor, on an observe feed too),
 * each copy with its own event id: everything here is keyed by post id, so a copy changes
 * nothing the first one did not, and counts as unread once.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { getRealtime, type OpenInfo, type RealtimeClient } from '../realtime'
import * as boardsApi from '../boards/api'
import {
  addComment,
  applyPage,
  emptyList,
  insertPost,
  isExpired,
  listHas,
  orderBoards,
  patchList,
  removeFromList,
  replaceComment,
  showIncoming as joinIncoming,
  updatePost,
  type BoardList,
} from '../boards/posts'
import {
  BOARD_KINDS,
  type Board,
  type BoardComment,
  type CommentCreatedEvent,
  type CommentDeletedEvent,
  type ItemState,
  type PostDetail,
  type PostInput,
  type PostReviewedEvent,
  type PostSummary,
  type ReviewDecision,
} from '../boards/types'
import { useSessionStore } from './session'

export type { BoardList }

/** How long to wait before telling the server a board was read (several posts may come at once). */
const READ_DELAY_MS = 800

/** A decision on one of my posts, shown once to its author. */
export interface ReviewNotice {
  postId: number
  decision: ReviewDecision
  reason: string
}

export const useBoardsStore = defineStore('boards', () => {
  const session = useSessionStore()

  const boards = ref<Board[]>([])
  const boardsLoaded = ref(false)
  const unread = ref<Record<number, number>>({})
  const lists = ref<Record<number, BoardList>>({})
  const details = ref<Record<number, PostDetail>>({})
  const comments = ref<Record<number, BoardComment[]>>({})
  const pending = ref<PostSummary[]>([])
  const urgent = ref<PostSummary[]>([])
  const reviewNotices = ref<ReviewNotice[]>([])
  /** The tab last chosen on /boards. */
  const activeBoard = ref<number | null>(null)
  /** The board whose list is on screen, and whether it is scrolled to the top. */
  const viewing = ref<number | null>(null)
  const atTop = ref(true)

  /** Post ids already seen (in a list, a page or a frame): a second copy is no news. */
  const seen = new Set<number>()
  /** Posts counted as unread live, per board, so a hidden or deleted one is counted off again. */
  const countedUnread = new Map<number, Set<number>>()
  const acknowledged = new Set<number>()
  const readTimers = new Map<number, ReturnType<typeof setTimeout>>()
  let client: RealtimeClient | null = null
  let unsubscribe: (() => void)[] = []

  const myId = computed(() => session.me?.id ?? 0)
  const ordered = computed(() => orderBoards(boards.value, BOARD_KINDS))
  const unreadTotal = computed(() => Object.values(unread.value).reduce((sum, n) => sum + Math.max(0, n || 0), 0))

  function listOf(boardId: number): BoardList {
    return (lists.value[boardId] ??= emptyList())
  }

  /** How many new posts wait behind the bar of a board. */
  function waiting(boardId: number): number {
    return lists.value[boardId]?.incoming.length ?? 0
  }

  // ---- connection -------------------------------------------------------------------------

  /** Follows the live frames (once; called when someone is logged in). */
  function start(): void {
    if (client) return
    client = getRealtime()
    const c = client
    unsubscribe = [
      c.onOpen(opened),
      c.on('post.created', (e) => created(e.post)),
      c.on('post.updated', (e) => updated(e.post)),
      c.on('post.hidden', (e) => removed(e.post_id, e.board_id, 'hidden')),
      c.on('post.deleted', (e) => removed(e.post_id, e.board_id, 'deleted')),
      c.on('post.liked', (e) => patchPost(e.post_id, e.board_id, (p) => ({ ...p, likes: e.likes }))),
      c.on('comment.created', commentCreated),
      c.on('comment.deleted', commentDeleted),
      c.on('post.pending', (e) => pendingArrived(e.post)),
      c.on('post.reviewed', reviewed),
      c.on('urgent.acknowledged', (e) => urgentAcknowledged(e.post_id)),
      c.on('resumed', (e) => {
        if (!e.complete) void resync()
      }),
    ]
    if (c.state === 'open' && c.ready) opened({ ready: c.ready, reconnected: false })
    c.start()
  }

  /** Forgets everything (log-out); the chat store closes the connection itself. */
  function stop(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    client = null
    for (const timer of readTimers.values()) clearTimeout(timer)
    readTimers.clear()
    seen.clear()
    countedUnread.clear()
    acknowledged.clear()
    boards.value = []
    boardsLoaded.value = false
    unread.value = {}
    lists.value = {}
    details.value = {}
    comments.value = {}
    pending.value = []
    urgent.value = []
    reviewNotices.value = []
    activeBoard.value = null
    viewing.value = null
    atTop.value = true
  }

  /**
   * On each connection: the urgent notices I have not acknowledged. Unread counts come over
   * HTTP on the first connection; after a drop the replayed events bring them up to date (and
   * when the replay was incomplete, `resync` asks again).
   */
  function opened(info: OpenInfo): void {
    void loadUrgent().catch(() => undefined)
    if (!info.reconnected) void loadUnread().catch(() => undefined)
  }

  /** Too much was missed to replay: reload what is on screen. */
  async function resync(): Promise<void> {
    await Promise.allSettled([
      loadUnread(),
      loadUrgent(),
      ...Object.entries(lists.value)
        .filter(([, list]) => list.loaded)
        .map(([id, list]) => loadList(Number(id), list.q)),
    ])
  }

  // ---- loading ----------------------------------------------------------------------------

  /** A community a supervisor looks at (0: my own boards). */
  const observing = ref(0)

  async function loadBoards(place: number = observing.value): Promise<Board[]> {
    const found = await boardsApi.listBoards(place || undefined)
    observing.value = place
    boards.value = found
    boardsLoaded.value = true
    for (const board of found) if (typeof board.unread === 'number') unread.value[board.id] = board.unread
    return found
  }

  async function loadUnread(): Promise<void> {
    const counts = await boardsApi.getUnread()
    const next: Record<number, number> = {}
    for (const [id, n] of Object.entries(counts)) next[Number(id)] = Number(n) || 0
    if (viewing.value !== null) next[viewing.value] = 0
    unread.value = next
    countedUnread.clear()
  }

  function remember(posts: readonly PostSummary[] | undefined): void {
    for (const post of posts ?? []) seen.add(post.id)
  }

  /** A board's first page (again), for a search when `q` is given. */
  async function loadList(boardId: number, q = ''): Promise<void> {
    const page = await boardsApi.listPosts(boardId, { q })
    remember(page.pinned)
    remember(page.posts)
    applyPage(listOf(boardId), page, { first: true, q: q.trim() })
  }

  /** The next (older) page; false when there is none. */
  async function loadMore(boardId: number): Promise<boolean> {
    const list = listOf(boardId)
    if (list.nextBefore === null) return false
    const page = await boardsApi.listPosts(boardId, { before: list.nextBefore, q: list.q })
    remember(page.posts)
    applyPage(list, page, { first: false, q: list.q })
    return list.nextBefore !== null
  }

  async function loadPost(id: number): Promise<PostDetail> {
    const post = await boardsApi.getPost(id)
    seen.add(post.id)
    details.value[id] = post
    return post
  }

  async function loadComments(postId: number): Promise<void> {
    const thread = await boardsApi.listComments(postId)
    comments.value[postId] = thread.map((c) => ({ ...c, replies: c.replies ?? [] }))
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The list of `boardId` is on screen (or none is); `top`: scrolled to its top. */
  function setViewing(boardId: number | null, top = atTop.value): void {
    const before = viewing.value
    if (before !== null && before !== boardId) {
      // Posts left waiting behind the bar join the list and stay unread (as the server counts them).
      const left = lists.value[before]
      const count = left ? joinIncoming(left) : 0
      if (count) unread.value[before] = (unread.value[before] ?? 0) + count
    }
    viewing.value = boardId
    atTop.value = top
    if (boardId !== null) activeBoard.value = boardId
  }

  function setAtTop(top: boolean): void {
    atTop.value = top
  }

  /** Everything on the board counts as read, here and on the server. */
  function markRead(boardId: number): void {
    unread.value[boardId] = 0
    countedUnread.delete(boardId)
    const timer = readTimers.get(boardId)
    if (timer) clearTimeout(timer)
    readTimers.delete(boardId)
    boardsApi.markBoardRead(boardId).catch(() => undefined)
  }

  function markReadSoon(boardId: number): void {
    unread.value[boardId] = 0
    if (readTimers.has(boardId)) return
    readTimers.set(
      boardId,
      setTimeout(() => {
        readTimers.delete(boardId)
        if (viewing.value === boardId) markRead(boardId)
      }, READ_DELAY_MS),
    )
  }

  /** The reader tapped "N new posts": they join the top of the list. */
  function showIncoming(boardId: number): number {
    const list = lists.value[boardId]
    const count = list ? joinIncoming(list) : 0
    if (count) markRead(boardId)
    return count
  }

  // ---- live frames --------------------------------------------------------------------------

  /** A board on screen in a hidden page (phone locked, another tab) is not being read. */
  function pageVisible(): boolean {
    return typeof document === 'undefined' || document.visibilityState !== 'hidden'
  }

  function created(post: PostSummary): void {
    const boardId = post.board.id
    const isNew = !seen.has(post.id)
    seen.add(post.id)
    pending.value = pending.value.filter((p) => p.id !== post.id) // approved
    mergeDetail(post)
    if (post.status !== 'published') return
    const mine = post.author.id === myId.value

    const list = lists.value[boardId]
    if (list?.loaded && !list.q) {
      if (listHas(list, post.id)) updatePost(list, post)
      else if (viewing.value === boardId && !atTop.value && !mine) list.incoming = [post, ...list.incoming]
      else insertPost(list, post)
    }

    if (isNew && !mine) {
      if (viewing.value === boardId && pageVisible()) {
        if (atTop.value) markReadSoon(boardId)
      } else if (!lists.value[boardId]?.incoming.some((p) => p.id === post.id)) {
        // (A post waiting behind the bar is counted when the reader leaves the board.)
        unread.value[boardId] = (unread.value[boardId] ?? 0) + 1
        let counted = countedUnread.get(boardId)
        if (!counted) countedUnread.set(boardId, (counted = new Set()))
        counted.add(post.id)
      }
      if (post.urgent && !isExpired(post)) queueUrgent(post)
    }
  }

  function updated(post: PostSummary): void {
    seen.add(post.id)
    const list = lists.value[post.board.id]
    if (list) updatePost(list, post)
    mergeDetail(post)
    if (post.status !== 'published') dropUrgent(post.id)
    else urgent.value = urgent.value.map((p) => (p.id === post.id ? post : p))
  }

  /** A summary's fields over the open post's; its body is fetched again after an edit. */
  function mergeDetail(post: PostSummary): void {
    const detail = details.value[post.id]
    if (!detail) return
    const edited = (post.edited_at ?? '') !== (detail.edited_at ?? '')
    details.value[post.id] = { ...detail, ...post }
    if (edited) loadPost(post.id).catch(() => undefined)
  }

  function removed(postId: number, boardId: number, status: 'hidden' | 'deleted'): void {
    const list = lists.value[boardId]
    if (list) removeFromList(list, postId)
    const detail = details.value[postId]
    if (detail) details.value[postId] = { ...detail, status }
    dropUrgent(postId)
    pending.value = pending.value.filter((p) => p.id !== postId)
    if (countedUnread.get(boardId)?.delete(postId)) {
      unread.value[boardId] = Math.max(0, (unread.value[boardId] ?? 0) - 1)
    }
  }

  function patchPost(postId: number, boardId: number, change: (post: PostSummary) => PostSummary): void {
    const list = lists.value[boardId]
    if (list) patchList(list, postId, change)
    const detail = details.value[postId]
    if (detail) details.value[postId] = { ...detail, ...change(detail) }
  }

  function commentCreated(e: CommentCreatedEvent): void {
    patchPost(e.post_id, e.board_id, (p) => ({ ...p, comments: e.comments }))
    const thread = comments.value[e.post_id]
    if (thread) comments.value[e.post_id] = addComment(thread, e.comment)
  }

  function commentDeleted(e: CommentDeletedEvent): void {
    patchPost(e.post_id, e.board_id, (p) => ({ ...p, comments: e.comments }))
    const thread = comments.value[e.post_id]
    if (thread) comments.value[e.post_id] = replaceComment(thread, e.comment_id, (c) => ({ ...c, status: 'deleted', body: '' }))
  }

  function pendingArrived(post: PostSummary): void {
    if (!pending.value.some((p) => p.id === post.id)) pending.value = [...pending.value, post]
  }

  function reviewed(e: PostReviewedEvent): void {
    pending.value = pending.value.filter((p) => p.id !== e.post_id)
    if (!reviewNotices.value.some((n) => n.postId === e.post_id && n.decision === e.decision)) {
      reviewNotices.value = [...reviewNotices.value, { postId: e.post_id, decision: e.decision, reason: e.reason ?? '' }]
    }
  }

  function takeReviewNotice(): ReviewNotice | undefined {
    const [first, ...rest] = reviewNotices.value
    reviewNotices.value = rest
    return first
  }

  // ---- urgent notices -----------------------------------------------------------------------

  function queueUrgent(post: PostSummary): void {
    if (acknowledged.has(post.id) || urgent.value.some((p) => p.id === post.id)) return
    urgent.value = [...urgent.value, post]
  }

  function dropUrgent(postId: number): void {
    urgent.value = urgent.value.filter((p) => p.id !== postId)
  }

  async function loadUrgent(): Promise<void> {
    const found = await boardsApi.listUrgent()
    for (const post of found) {
      seen.add(post.id)
      // The notice's author knows it already: only others must acknowledge it.
      if (!isExpired(post) && post.author.id !== myId.value) queueUrgent(post)
    }
  }

  /** Acknowledged here or on another of my devices: it never pops up again. */
  function urgentAcknowledged(postId: number): void {
    acknowledged.add(postId)
    dropUrgent(postId)
  }

  async function acknowledge(postId: number): Promise<void> {
    await boardsApi.acknowledgeUrgent(postId)
    urgentAcknowledged(postId)
  }

  // ---- writing ------------------------------------------------------------------------------

  async function createPost(boardId: number, input: PostInput): Promise<PostDetail> {
    const post = await boardsApi.createPost(boardId, input)
    seen.add(post.id)
    details.value[post.id] = post
    const list = lists.value[boardId]
    if (list?.loaded && !list.q && post.status === 'published') insertPost(list, post)
    return post
  }

  async function editPost(postId: number, input: Partial<PostInput>): Promise<PostDetail> {
    const post = await boardsApi.updatePost(postId, input)
    applyDetail(post)
    return post
  }

  /** A moderator's or author's change answered with the post: applied at once. */
  function applyDetail(post: PostDetail | undefined): void {
    if (!post) return
    details.value[post.id] = { ...details.value[post.id], ...post }
    const list = lists.value[post.board.id]
    if (list) updatePost(list, post)
  }

  async function toggleLike(postId: number): Promise<void> {
    const post = details.value[postId]
    if (!post) return
    const like = !post.liked
    details.value[postId] = { ...post, liked: like, likes: post.likes + (like ? 1 : -1) }
    try {
      const state = like ? await boardsApi.likePost(postId) : await boardsApi.unlikePost(postId)
      patchPost(postId, post.board.id, (p) => ({ ...p, likes: state.likes }))
      const now = details.value[postId]
      if (now) details.value[postId] = { ...now, liked: state.liked, likes: state.likes }
    } catch (error) {
      const now = details.value[postId]
      if (now) details.value[postId] = { ...now, liked: post.liked, likes: post.likes }
      throw error
    }
  }

  async function comment(postId: number, body: string, parentId?: number | null): Promise<BoardComment> {
    const made = await boardsApi.addComment(postId, body, parentId)
    comments.value[postId] = addComment(comments.value[postId] ?? [], made)
    return made
  }

  async function removeComment(postId: number, commentId: number): Promise<void> {
    await boardsApi.deleteComment(commentId)
    const thread = comments.value[postId]
    if (thread) comments.value[postId] = replaceComment(thread, commentId, (c) => ({ ...c, status: 'deleted', body: '' }))
  }

  async function hide(postId: number): Promise<void> {
    const post = await boardsApi.hidePost(postId)
    details.value[postId] = { ...details.value[postId], ...post, status: 'hidden' }
    const list = lists.value[post.board.id]
    if (list) removeFromList(list, postId)
  }

  async function restore(postId: number): Promise<void> {
    applyDetail(await boardsApi.restorePost(postId))
  }

  async function pin(postId: number, pinned: boolean): Promise<void> {
    const answer = await boardsApi.pinPost(postId, pinned)
    if (answer && typeof answer === 'object' && 'id' in answer) applyDetail(answer)
    else {
      const post = details.value[postId]
      if (post) applyDetail({ ...post, pinned })
    }
  }

  async function remove(postId: number): Promise<void> {
    const boardId = details.value[postId]?.board.id
    await boardsApi.deletePost(postId)
    if (boardId !== undefined) removed(postId, boardId, 'deleted')
  }

  async function setState(postId: number, change: { state: ItemState } | { resolved: boolean }): Promise<void> {
    const answer = await boardsApi.setPostState(postId, change)
    if (answer && typeof answer === 'object' && 'id' in answer) applyDetail(answer)
    else {
      const post = details.value[postId]
      if (post) applyDetail({ ...post, extra: { ...post.extra, ...change } })
    }
  }

  async function setRequiresReview(boardId: number, on: boolean): Promise<void> {
    const answer = await boardsApi.setRequiresReview(boardId, on)
    const requires = answer && typeof answer.requires_review === 'boolean' ? answer.requires_review : on
    boards.value = boards.value.map((b) => (b.id === boardId ? { ...b, requires_review: requires } : b))
  }

  // ---- review queue -------------------------------------------------------------------------

  async function loadPending(community?: number): Promise<void> {
    pending.value = await boardsApi.listReview(community)
  }

  async function decide(postId: number, decision: ReviewDecision, reason = ''): Promise<void> {
    await boardsApi.reviewPost(postId, decision, reason)
    pending.value = pending.value.filter((p) => p.id !== postId)
  }

  return {
    boards,
    boardsLoaded,
    unread,
    lists,
    details,
    comments,
    pending,
    urgent,
    reviewNotices,
    activeBoard,
    viewing,
    atTop,
    myId,
    ordered,
    unreadTotal,
    listOf,
    waiting,
    start,
    stop,
    loadBoards,
    observing,
    loadUnread,
    loadList,
    loadMore,
    loadPost,
    loadComments,
    setViewing,
    setAtTop,
    markRead,
    showIncoming,
    takeReviewNotice,
    loadUrgent,
    acknowledge,
    createPost,
    editPost,
    toggleLike,
    comment,
    removeComment,
    hide,
    restore,
    pin,
    remove,
    setState,
    setRequiresReview,
    loadPending,
    decide,
  }
})
