/** Board fixtures for the tests: boards of 美罗家园 and posts on them. */
import type { Board, BoardComment, BoardKind, PostDetail, PostSummary } from '../src/boards/types'
import { wangFangPerson, zhaoLeiPerson } from './fakeSocket'
import type { PersonRef } from '../src/types'

export const liWeiRef: PersonRef = { id: 2, name: '李伟' }

export function board(id: number, kind: BoardKind, overrides: Partial<Board> = {}): Board {
  return {
    id,
    kind,
    place: { id: kind === 'district' ? 1 : kind === 'property' ? 100 : 10, name: kind === 'district' ? '宝山区' : '美罗家园第一居委会', kind: 'residents_committee' },
    can_post: false,
    can_comment: true,
    can_moderate: false,
    can_manage: false,
    requires_review: false,
    unread: 0,
    ...overrides,
  }
}

export const districtBoard = board(1, 'district')
export const noticesBoard = board(2, 'notices')
export const idleBoard = board(6, 'idle', { can_post: true })

export function post(id: number, boardId: number, title: string, overrides: Partial<PostSummary> = {}): PostSummary {
  return {
    id,
    board: { id: boardId, kind: 'notices', place_id: 10 },
    title,
    excerpt: `${title}的内容`,
    author: liWeiRef,
    status: 'published',
    pinned: false,
    urgent: false,
    expires_at: null,
    created_at: `2026-11-27T08:${String(id % 60).padStart(2, '0')}:00+00:00`,
    edited_at: null,
    likes: 0,
    comments: 0,
    reads: 0,
    images: [],
    extra: {},
    ...overrides,
  }
}

export function detail(summary: PostSummary, overrides: Partial<PostDetail> = {}): PostDetail {
  return {
    ...summary,
    body: `<p>${summary.excerpt}</p>`,
    attachments: [],
    liked: false,
    can_edit: false,
    can_comment: true,
    can_moderate: false,
    can_manage: false,
    revisions: 0,
    ...overrides,
  }
}

export function comment(id: number, postId: number, body: string, overrides: Partial<BoardComment> = {}): BoardComment {
  return {
    id,
    post_id: postId,
    parent_id: null,
    author: zhaoLeiPerson,
    body,
    status: 'visible',
    created_at: '2026-11-27T09:00:00+00:00',
    ...overrides,
  }
}

export { wangFangPerson, zhaoLeiPerson }
