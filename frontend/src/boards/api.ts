/** The boards' HTTP endpoints (through api.ts: session, CSRF, errors as ApiError). */
import { query, request } from '../api'
import type {
  Board,
  BoardComment,
  ItemState,
  LikeState,
  ObservedPlace,
  PostAttachment,
  PostDetail,
  PostImage,
  PostInput,
  PostPage,
  PostSummary,
  ReviewDecision,
} from './types'

export function listBoards(place?: number): Promise<Board[]> {
  return request('GET', `/api/boards${query({ place })}`)
}

/** Supervisors: the communities below them whose boards they may look at. */
export function observedPlaces(): Promise<ObservedPlace[]> {
  return request('GET', '/api/boards/places')
}

export function getUnread(): Promise<Record<string, number>> {
  return request('GET', '/api/boards/unread')
}

export function markBoardRead(boardId: number): Promise<{ unread: number }> {
  return request('POST', `/api/boards/${boardId}/read`)
}

export function setRequiresReview(boardId: number, requiresReview: boolean): Promise<Board> {
  return request('PATCH', `/api/boards/${boardId}`, { body: { requires_review: requiresReview } })
}

export function listPosts(boardId: number, options: { before?: number; q?: string; limit?: number } = {}): Promise<PostPage> {
  return request('GET', `/api/boards/${boardId}/posts${query({ before: options.before, q: options.q?.trim(), limit: options.limit })}`)
}

export function createPost(boardId: number, input: PostInput): Promise<PostDetail> {
  return request('POST', `/api/boards/${boardId}/posts`, { body: input })
}

export function getPost(id: number): Promise<PostDetail> {
  return request('GET', `/api/boards/posts/${id}`)
}

export function updatePost(id: number, input: Partial<PostInput>): Promise<PostDetail> {
  return request('PATCH', `/api/boards/posts/${id}`, { body: input })
}

export function deletePost(id: number): Promise<void> {
  return request('DELETE', `/api/boards/posts/${id}`)
}

export function hidePost(id: number): Promise<PostDetail> {
  return request('POST', `/api/boards/posts/${id}/hide`)
}

export function restorePost(id: number): Promise<PostDetail> {
  return request('POST', `/api/boards/posts/${id}/restore`)
}

export function pinPost(id: number, pinned: boolean): Promise<PostDetail | undefined> {
  return request('POST', `/api/boards/posts/${id}/pin`, { body: { pinned } })
}

/** Idle items: `{state}`; mutual aid: `{resolved}`. */
export function setPostState(id: number, change: { state: ItemState } | { resolved: boolean }): Promise<PostDetail | undefined> {
  return request('POST', `/api/boards/posts/${id}/state`, { body: change })
}

/** "I want it": the knock conversation with the item's owner. */
export function wantItem(id: number): Promise<{ conversation_id: number }> {
  return request('POST', `/api/boards/posts/${id}/want`)
}

export function likePost(id: number): Promise<LikeState> {
  return request('PUT', `/api/boards/posts/${id}/like`)
}

export function unlikePost(id: number): Promise<LikeState> {
  return request('DELETE', `/api/boards/posts/${id}/like`)
}

export function listComments(postId: number): Promise<BoardComment[]> {
  return request('GET', `/api/boards/posts/${postId}/comments`)
}

export function addComment(postId: number, body: string, parentId?: number | null): Promise<BoardComment> {
  return request('POST', `/api/boards/posts/${postId}/comments`, {
    body: parentId ? { body, parent_id: parentId } : { body },
  })
}

export function deleteComment(id: number): Promise<void> {
  return request('DELETE', `/api/boards/comments/${id}`)
}

export function listReview(community?: number): Promise<PostSummary[]> {
  return request('GET', `/api/boards/review${query({ community })}`)
}

export function reviewPost(id: number, decision: ReviewDecision, reason = ''): Promise<unknown> {
  return request('POST', `/api/boards/posts/${id}/review`, {
    body: decision === 'reject' ? { decision, reason } : { decision },
  })
}

export function listUrgent(): Promise<PostSummary[]> {
  return request('GET', '/api/boards/urgent')
}

export function acknowledgeUrgent(id: number): Promise<void> {
  return request('POST', `/api/boards/posts/${id}/acknowledge`)
}

function upload<T>(path: string, file: File): Promise<T> {
  const form = new FormData()
  form.append('file', file)
  return request('POST', path, { body: form })
}

export function uploadImage(file: File): Promise<PostImage> {
  return upload('/api/boards/images', file)
}

export function uploadAttachment(file: File): Promise<PostAttachment> {
  return upload('/api/boards/attachments', file)
}
