import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { fakeChatServer } from '../../../tests/fakeSocket'
import { fakeServer, wangFang } from '../../../tests/helpers'
import { comment, detail, districtBoard, idleBoard, noticesBoard, post, wangFangPerson } from '../../../tests/boards'
import { useBoardsStore } from '../boards'
import { useSessionStore } from '../session'
import type { PostSummary } from '../../boards/types'

const older = post(40, 2, '停水通知')
const pinnedNotice = post(30, 2, '社区公约', { pinned: true })

async function startBoards(routes: Parameters<typeof fakeServer>[0] = {}) {
  const http = fakeServer({
    'GET /api/boards/urgent': { status: 200, body: [] },
    'GET /api/boards/unread': { status: 200, body: { '1': 0, '2': 1, '6': 0 } },
    'GET /api/boards': { status: 200, body: [idleBoard, noticesBoard, districtBoard] },
    'GET /api/boards/2/posts': { status: 200, body: { pinned: [pinnedNotice], posts: [older], next_before: 40 } },
    'POST /api/boards/2/read': { status: 200, body: { unread: 0 } },
    ...routes,
  })
  const socket = fakeChatServer()
  setActivePinia(createPinia())
  useSessionStore().set(wangFang())
  const boards = useBoardsStore()
  boards.start()
  await flushPromises()
  return { http, socket, boards }
}

/** A post frame as two streams deliver it: the same post, two event ids. */
function twice(socket: ReturnType<typeof fakeChatServer>, frame: Record<string, unknown>) {
  socket.event({ ...frame, stream: 'feed.community.10' })
  socket.event({ ...frame, stream: 'feed.observe.2' })
}

afterEach(() => vi.useRealTimers())

describe('boards store: loading', () => {
  it('asks for unread counts and urgent notices when the connection opens', async () => {
    const { http, boards } = await startBoards()

    expect(http.calls('GET', '/api/boards/unread')).toHaveLength(1)
    expect(http.calls('GET', '/api/boards/urgent')).toHaveLength(1)
    expect(boards.unread).toEqual({ 1: 0, 2: 1, 6: 0 })
    expect(boards.unreadTotal).toBe(1)
  })

  it('orders the tabs by kind: i-District, notices, …, idle items', async () => {
    const { boards } = await startBoards()
    await boards.loadBoards()

    expect(boards.ordered.map((b) => b.kind)).toEqual(['district', 'notices', 'idle'])
  })

  it('keeps pinned posts apart and pages on with the `before` cursor', async () => {
    const { boards } = await startBoards({
      'GET /api/boards/2/posts?before=40': { status: 200, body: { posts: [post(35, 2, '旧帖'), pinnedNotice], next_before: null } },
    })
    await boards.loadList(2)
    expect(boards.lists[2]?.pinned.map((p) => p.id)).toEqual([30])
    expect(boards.lists[2]?.posts.map((p) => p.id)).toEqual([40])

    expect(await boards.loadMore(2)).toBe(false)
    expect(boards.lists[2]?.posts.map((p) => p.id)).toEqual([40, 35])
    expect(boards.lists[2]?.nextBefore).toBeNull()
  })
})

describe('boards store: reconnecting', () => {
  it('reloads open lists and unread counts when the missed events could not all be replayed', async () => {
    const http = fakeServer({
      'GET /api/boards/urgent': { status: 200, body: [] },
      'GET /api/boards/unread': { status: 200, body: { '2': 0 } },
      'GET /api/boards/2/posts': { status: 200, body: { pinned: [], posts: [older], next_before: null } },
    })
    const socket = fakeChatServer({
      handlers: { resume: () => ({ type: 'resumed', last_event_id: 6000, complete: false }) },
    })
    setActivePinia(createPinia())
    useSessionStore().set(wangFang())
    const boards = useBoardsStore()
    boards.start()
    await flushPromises()
    await boards.loadList(2)
    socket.event({ type: 'post.created', post: post(41, 6, '闲置', { board: { id: 6, kind: 'idle', place_id: 10 } }) })
    expect(http.calls('GET', '/api/boards/2/posts')).toHaveLength(1)

    http.set('GET /api/boards/2/posts', { status: 200, body: { pinned: [], posts: [post(45, 2, '断线时发的'), older], next_before: null } })
    socket.socket.drop()
    await vi.waitFor(() => expect(http.calls('GET', '/api/boards/2/posts')).toHaveLength(2), { timeout: 3000 })
    await flushPromises()

    expect(boards.lists[2]?.posts.map((p) => p.id)).toEqual([45, 40])
    expect(http.calls('GET', '/api/boards/unread')).toHaveLength(2)
  })
})

describe('boards store: live frames', () => {
  it('inserts a new post at the top of the open board when the reader is at the top', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { http, socket, boards } = await startBoards()
    await boards.loadList(2)
    boards.setViewing(2, true)

    twice(socket, { type: 'post.created', post: post(50, 2, '明天停电') })

    expect(boards.lists[2]?.posts.map((p) => p.id)).toEqual([50, 40])
    expect(boards.waiting(2)).toBe(0)
    expect(boards.unread[2]).toBe(0)
    await vi.advanceTimersByTimeAsync(1000)
    await vi.waitFor(() => expect(http.calls('POST', '/api/boards/2/read')).toHaveLength(1))
  })

  it('keeps new posts behind the "N new posts" bar while the reader is scrolled down, each once', async () => {
    const { socket, boards } = await startBoards()
    await boards.loadList(2)
    boards.setViewing(2, false)

    twice(socket, { type: 'post.created', post: post(50, 2, '明天停电') })
    twice(socket, { type: 'post.created', post: post(51, 2, '周六义诊') })

    expect(boards.waiting(2)).toBe(2)
    expect(boards.lists[2]?.posts.map((p) => p.id)).toEqual([40]) // the list does not move

    expect(boards.showIncoming(2)).toBe(2)
    expect(boards.waiting(2)).toBe(0)
    expect(boards.lists[2]?.posts.map((p) => p.id)).toEqual([51, 50, 40])
  })

  it('counts a post on another board as unread once, though it comes on two streams', async () => {
    const { socket, boards } = await startBoards()
    await boards.loadList(2)
    boards.setViewing(2, true)
    boards.markRead(2)

    twice(socket, { type: 'post.created', post: post(60, 1, '区里的新闻', { board: { id: 1, kind: 'district', place_id: 1 } }) })
    twice(socket, { type: 'post.created', post: post(61, 6, '闲置婴儿车', { board: { id: 6, kind: 'idle', place_id: 10 } }) })
    socket.event({ type: 'post.created', post: post(62, 6, '旧书架', { board: { id: 6, kind: 'idle', place_id: 10 } }) })

    expect(boards.unread[1]).toBe(1)
    expect(boards.unread[6]).toBe(2)
    expect(boards.unread[2]).toBe(0)
    expect(boards.unreadTotal).toBe(3)
  })

  it('counts a post on the open board as unread while the page is hidden', async () => {
    const { socket, boards } = await startBoards()
    await boards.loadList(2)
    boards.setViewing(2, true)
    boards.markRead(2)
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')

    socket.event({ type: 'post.created', post: post(55, 2, '夜里发的通知') })

    expect(boards.lists[2]?.posts.map((p) => p.id)).toEqual([55, 40])
    expect(boards.unread[2]).toBe(1)
  })

  it('does not count my own post, nor a post already listed, as unread', async () => {
    const { socket, boards } = await startBoards()
    await boards.loadList(2)

    socket.event({ type: 'post.created', post: post(70, 2, '我发的', { author: wangFangPerson }) })
    socket.event({ type: 'post.created', post: older })

    expect(boards.unread[2]).toBe(1) // what the server said, nothing added
    expect(boards.lists[2]?.posts.map((p) => p.id)).toEqual([70, 40])
  })

  it('updates posts in place: edits, pins and likes', async () => {
    const { socket, boards } = await startBoards()
    await boards.loadList(2)

    twice(socket, { type: 'post.updated', post: { ...older, title: '停水通知（更正）' } })
    expect(boards.lists[2]?.posts.map((p) => p.title)).toEqual(['停水通知（更正）'])

    socket.event({ type: 'post.updated', post: { ...older, pinned: true } })
    expect(boards.lists[2]?.pinned.map((p) => p.id)).toEqual([40, 30])
    expect(boards.lists[2]?.posts).toEqual([])

    socket.event({ type: 'post.liked', post_id: 40, board_id: 2, likes: 7 })
    expect(boards.lists[2]?.pinned[0]?.likes).toBe(7)
  })

  it('removes hidden and deleted posts, counting them off the unread count', async () => {
    const { socket, boards } = await startBoards()
    await boards.loadList(2)
    boards.setViewing(2, false)
    const fresh = post(80, 2, '新帖')

    socket.event({ type: 'post.created', post: fresh })
    socket.event({ type: 'post.created', post: post(81, 6, '闲置', { board: { id: 6, kind: 'idle', place_id: 10 } }) })
    expect(boards.waiting(2)).toBe(1)
    expect(boards.unread[6]).toBe(1)

    socket.event({ type: 'post.hidden', post_id: 80, board_id: 2 })
    socket.event({ type: 'post.deleted', post_id: 40, board_id: 2 })
    socket.event({ type: 'post.deleted', post_id: 81, board_id: 6 })
    twice(socket, { type: 'post.deleted', post_id: 81, board_id: 6 })

    expect(boards.waiting(2)).toBe(0)
    expect(boards.lists[2]?.posts).toEqual([])
    expect(boards.lists[2]?.pinned.map((p) => p.id)).toEqual([30])
    expect(boards.unread[6]).toBe(0)
  })

  it('follows comments and counts on the open post', async () => {
    const summary: PostSummary = { ...older, comments: 1 }
    const { socket, boards } = await startBoards({
      'GET /api/boards/posts/40': { status: 200, body: detail(summary) },
      'GET /api/boards/posts/40/comments': { status: 200, body: [comment(1, 40, '几点停？')] },
    })
    await boards.loadPost(40)
    await boards.loadComments(40)

    const reply = comment(2, 40, '上午九点到十二点', { parent_id: 1 })
    twice(socket, { type: 'comment.created', comment: reply, post_id: 40, board_id: 2, comments: 2 })
    expect(boards.details[40]?.comments).toBe(2)
    expect(boards.comments[40]?.[0]?.replies?.map((c) => c.id)).toEqual([2])

    socket.event({ type: 'comment.deleted', comment_id: 1, post_id: 40, board_id: 2, comments: 1 })
    expect(boards.comments[40]?.[0]).toMatchObject({ status: 'deleted', body: '' })
    expect(boards.details[40]?.comments).toBe(1)

    socket.event({ type: 'post.hidden', post_id: 40, board_id: 2 })
    expect(boards.details[40]?.status).toBe('hidden')
  })

  it('queues a live urgent notice once, and drops it when acknowledged', async () => {
    const { socket, boards } = await startBoards({ 'POST /api/boards/posts/90/acknowledge': { status: 204 } })
    const notice = post(90, 2, '燃气泄漏，请勿使用明火', { urgent: true })

    twice(socket, { type: 'post.created', post: notice })
    expect(boards.urgent.map((p) => p.id)).toEqual([90])

    await boards.acknowledge(90)
    socket.event({ type: 'post.updated', post: notice })
    expect(boards.urgent).toEqual([])
  })

  it('drops an urgent notice acknowledged on another of my devices', async () => {
    const { socket, boards } = await startBoards()
    const notice = post(91, 2, '今晚停水', { urgent: true })
    socket.event({ type: 'post.created', post: notice })
    socket.event({ type: 'post.created', post: post(92, 2, '明早停电', { urgent: true }) })

    socket.event({ type: 'urgent.acknowledged', post_id: 91, board_id: 2 })
    expect(boards.urgent.map((p) => p.id)).toEqual([92])
    socket.event({ type: 'post.updated', post: notice }) // it does not come back
    expect(boards.urgent.map((p) => p.id)).toEqual([92])
  })

  it('keeps the review queue current and tells the author of a decision', async () => {
    const { socket, boards } = await startBoards({ 'GET /api/boards/review': { status: 200, body: [] } })
    await boards.loadPending()
    const waiting = post(95, 6, '出售旧冰箱', { status: 'pending' })

    twice(socket, { type: 'post.pending', post: waiting })
    expect(boards.pending.map((p) => p.id)).toEqual([95])

    socket.event({ type: 'post.created', post: { ...waiting, status: 'published' } })
    expect(boards.pending).toEqual([])

    socket.event({ type: 'post.reviewed', post_id: 96, board_id: 6, decision: 'reject', reason: '与本版无关' })
    expect(boards.takeReviewNotice()).toEqual({ postId: 96, decision: 'reject', reason: '与本版无关' })
  })
})
