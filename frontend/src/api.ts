/**
 * The only module that talks HTTP to the Django API.
 *
 * Every request carries the session cookie, Accept-Language for the chosen UI language, and
 * (on writes) the CSRF token. Every failure becomes an ApiError with the server's
 * {detail, code, errors}; a 401 also calls the handler set with onUnauthorized().
 */
import { serverLanguage, t } from './i18n'
import type { ChatAttachment } from './realtime/protocol'
import type {
  Application,
  ChatSettings,
  DisplayChoice,
  EstateDetail,
  JoinApplicationInput,
  JoinCode,
  JoinInfo,
  Letter,
  LetterBox,
  LetterInput,
  Me,
  Neighbour,
  PasswordResetInput,
  PersonRef,
  Place,
  ReviewApplication,
  ReviewStatusFilter,
  Session,
  SmsCodeSent,
  Topic,
  TopicApplication,
  TopicInput,
} from './types'

export class ApiError extends Error {
  readonly status: number
  readonly detail: string
  readonly code: string
  /** Messages for single fields, keyed by the request's field names. */
  readonly errors: Record<string, string>

  constructor(status: number, detail: string, code: string, errors: Record<string, string> = {}) {
    super(detail)
    this.name = 'ApiError'
    this.status = status
    this.detail = detail
    this.code = code
    this.errors = errors
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

interface RequestOptions {
  /** JSON, or a FormData sent as multipart (file uploads). */
  body?: unknown
  /** A 401 is an expected answer here (e.g. "who am I?"), not a lost session. */
  expectUnauthorized?: boolean
}

let unauthorizedHandler: (() => void) | null = null

/** Called on any unexpected 401: the app clears the session and sends the user to /login. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler
}

// ---- CSRF -------------------------------------------------------------------------------

let csrfToken: string | null = null
let csrfPending: Promise<string> | null = null

function csrfFromCookie(): string | null {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
  return match?.[1] ? decodeURIComponent(match[1]) : null
}

/** Fetches a CSRF token (and the csrftoken cookie). Call once at start-up. */
export function initCsrf(): Promise<string> {
  csrfPending ??= request<{ csrf_token: string }>('GET', '/api/auth/csrf')
    .then((data) => (csrfToken = data.csrf_token))
    .finally(() => (csrfPending = null))
  return csrfPending
}

/**
 * Django rotates the CSRF secret when a user logs in or out, so the cookie (kept current by
 * the server) wins over the token fetched at start-up; when the cookie is unreadable a token
 * is fetched again after every change of user (see forgetCsrf).
 */
async function csrfHeader(): Promise<string> {
  return csrfFromCookie() ?? csrfToken ?? (await initCsrf())
}

function forgetCsrf(): void {
  csrfToken = null
}

// ---- requests ---------------------------------------------------------------------------

function normalizeErrors(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {}
  const errors: Record<string, string> = {}
  for (const [field, message] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof message === 'string') errors[field] = message
    else if (Array.isArray(message)) errors[field] = message.map(String).join(' ')
  }
  return errors
}

async function errorFrom(response: Response): Promise<ApiError> {
  return errorFromText(response.status, await response.text().catch(() => ''))
}

function errorFromText(status: number, text: string): ApiError {
  let body: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    // not JSON (a proxy's error page, Django's HTML CSRF failure): fall back below
  }
  const detail = typeof body.detail === 'string' && body.detail ? body.detail : t('app.httpError', { status })
  const code = typeof body.code === 'string' ? body.code : `http_${status}`
  return new ApiError(status, detail, code, normalizeErrors(body.errors))
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': serverLanguage(),
  }
  if (method !== 'GET') headers['X-CSRFToken'] = await csrfHeader()
  const multipart = options.body instanceof FormData
  if (options.body !== undefined && !multipart) headers['Content-Type'] = 'application/json'

  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : multipart ? (options.body as FormData) : JSON.stringify(options.body),
    })
  } catch {
    throw new ApiError(0, t('app.networkError'), 'network_error')
  }

  if (!response.ok) {
    const error = await errorFrom(response)
    if (response.status === 401 && !options.expectUnauthorized) unauthorizedHandler?.()
    throw error
  }
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

export interface UploadOptions {
  /** How much of the file has gone, from 0 to 1. */
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

/**
 * POSTs a multipart form with the same headers, errors and 401 handling as request(),
 * through XMLHttpRequest: unlike fetch, it reports how much of the upload has been sent.
 * Cancelled by `signal`, it fails with the code `aborted`.
 */
export async function upload<T>(path: string, form: FormData, { onProgress, signal }: UploadOptions = {}): Promise<T> {
  const csrf = await csrfHeader()
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(new ApiError(0, t('app.networkError'), 'aborted'))
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Accept-Language', serverLanguage())
    xhr.setRequestHeader('X-CSRFToken', csrf)
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(Math.min(1, event.loaded / event.total))
    })
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1)
        try {
          resolve((xhr.status === 204 ? undefined : JSON.parse(xhr.responseText)) as T)
        } catch {
          reject(new ApiError(xhr.status, t('app.httpError', { status: xhr.status }), `http_${xhr.status}`))
        }
        return
      }
      const error = errorFromText(xhr.status, xhr.responseText)
      if (xhr.status === 401) unauthorizedHandler?.()
      reject(error)
    })
    xhr.addEventListener('error', () => reject(new ApiError(0, t('app.networkError'), 'network_error')))
    xhr.addEventListener('abort', () => reject(new ApiError(0, t('app.networkError'), 'aborted')))
    signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(form)
  })
}

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

// ---- auth and session -------------------------------------------------------------------

export async function login(username: string, password: string): Promise<Me> {
  const me = await request<Me>('POST', '/api/auth/login', { body: { username, password } })
  forgetCsrf()
  return me
}

export async function logout(): Promise<void> {
  await request<void>('POST', '/api/auth/logout')
  forgetCsrf()
}

/**
 * Who is logged in (user null for a visitor) and the place's time zone. Answered 200 for a
 * visitor too, so a logged-out page logs no failed request in the browser's console.
 */
export function getSession(): Promise<Session> {
  return request('GET', '/api/auth/session')
}

export function sendSmsCode(phone: string): Promise<SmsCodeSent> {
  return request('POST', '/api/auth/sms-code', { body: { phone } })
}

/** A code to reset the password of the account with this number (the answer is the same
 * whether or not the number has an account). */
export function sendPasswordResetCode(phone: string): Promise<SmsCodeSent> {
  return request('POST', '/api/auth/password-reset/sms-code', { body: { phone } })
}

/** Sets the new password with the code; the server logs the person in. */
export async function resetPassword(input: PasswordResetInput): Promise<Me> {
  const me = await request<Me>('POST', '/api/auth/password-reset', { body: input })
  forgetCsrf()
  return me
}

/** Keeps the text size and contrast on the account; a field left out stays as it is. */
export function saveDisplay(choice: Partial<DisplayChoice>): Promise<DisplayChoice> {
  return request('POST', '/api/me/display', { body: choice })
}

// ---- joining an estate ------------------------------------------------------------------

export function getJoinInfo(code: string): Promise<JoinInfo> {
  return request('GET', `/api/join/${encodeURIComponent(code)}`)
}

/** Without a password the visitor must be logged in; with one the server creates their account. */
export async function submitJoinApplication(code: string, input: JoinApplicationInput): Promise<Application> {
  const application = await request<Application>('POST', `/api/join/${encodeURIComponent(code)}/applications`, {
    body: input,
  })
  if (input.password) forgetCsrf() // the server logged the new account in
  return application
}

export function listMyApplications(): Promise<Application[]> {
  return request('GET', '/api/applications')
}

export function withdrawApplication(id: number): Promise<Application> {
  return request('POST', `/api/applications/${id}/withdraw`)
}

// ---- reviewing (committee) --------------------------------------------------------------

export function listReviewApplications(
  filter: { status?: ReviewStatusFilter; community?: number } = {},
): Promise<ReviewApplication[]> {
  return request('GET', `/api/review/applications${query(filter)}`)
}

export function approveApplication(id: number): Promise<Application> {
  return request('POST', `/api/applications/${id}/approve`)
}

export function rejectApplication(id: number, reason: string): Promise<Application> {
  return request('POST', `/api/applications/${id}/reject`, { body: { reason } })
}

export function getEstate(id: number): Promise<EstateDetail> {
  return request('GET', `/api/estates/${id}`)
}

export function listCommunityEstates(communityId: number): Promise<Place[]> {
  return request('GET', `/api/communities/${communityId}/estates`)
}

export function getJoinCode(estateId: number): Promise<JoinCode> {
  return request('GET', `/api/estates/${estateId}/join-code`)
}

export function rotateJoinCode(estateId: number): Promise<JoinCode> {
  return request('POST', `/api/estates/${estateId}/join-code/rotate`)
}

// ---- chat: topic groups, letters, neighbours, settings, blocks --------------------------

/** A list answer, also when a server wraps it as {results: [...]}. */
async function list<T>(path: string): Promise<T[]> {
  const data = await request<unknown>('GET', path)
  if (Array.isArray(data)) return data as T[]
  const results = (data as { results?: unknown } | null)?.results
  return Array.isArray(results) ? (results as T[]) : []
}

export function listTopics(communityId: number): Promise<Topic[]> {
  return list(`/api/chat/communities/${communityId}/topics`)
}

/** Committee staff open a group at once; a resident's proposal waits for approval. */
export function createTopic(communityId: number, input: TopicInput): Promise<Topic> {
  return request('POST', `/api/chat/communities/${communityId}/topics`, { body: input })
}

export function approveTopic(topicId: number): Promise<Topic> {
  return request('POST', `/api/chat/topics/${topicId}/approve`)
}

export function rejectTopic(topicId: number, reason: string): Promise<void> {
  return request('POST', `/api/chat/topics/${topicId}/reject`, { body: { reason } })
}

export function applyToTopic(topicId: number, note: string): Promise<TopicApplication> {
  return request('POST', `/api/chat/topics/${topicId}/apply`, { body: { note } })
}

/** Leave a group, or withdraw a waiting application. */
export function leaveTopic(topicId: number): Promise<void> {
  return request('POST', `/api/chat/topics/${topicId}/leave`)
}

export function listTopicApplications(topicId: number): Promise<TopicApplication[]> {
  return list(`/api/chat/topics/${topicId}/applications`)
}

export function approveTopicApplication(participantId: number): Promise<TopicApplication> {
  return request('POST', `/api/chat/topic-applications/${participantId}/approve`)
}

export function rejectTopicApplication(participantId: number): Promise<TopicApplication> {
  return request('POST', `/api/chat/topic-applications/${participantId}/reject`)
}

export function listLetters(box: LetterBox): Promise<Letter[]> {
  return list(`/api/chat/letters${query({ box })}`)
}

export function getLetter(id: number): Promise<Letter> {
  return request('GET', `/api/chat/letters/${id}`)
}

/** The addressee opened it: the sender gets the read receipt. */
export function markLetterRead(id: number): Promise<Letter> {
  return request('POST', `/api/chat/letters/${id}/read`)
}

export function sendLetter(input: LetterInput): Promise<Letter> {
  return request('POST', '/api/chat/letters', { body: input })
}

export function listNeighbours(communityId: number, q = ''): Promise<Neighbour[]> {
  return list(`/api/chat/communities/${communityId}/neighbours${query({ q: q.trim() })}`)
}

export function getChatSettings(): Promise<ChatSettings> {
  return request('GET', '/api/chat/settings')
}

/** Changes the settings given; the others stay as they are. */
export function updateChatSettings(changes: Partial<ChatSettings>): Promise<ChatSettings> {
  return request('POST', '/api/chat/settings', { body: changes })
}

export function listBlocked(): Promise<PersonRef[]> {
  return list('/api/chat/blocks')
}

export function blockUser(userId: number): Promise<void> {
  return request('POST', '/api/chat/blocks', { body: { user_id: userId } })
}

export function unblockUser(userId: number): Promise<void> {
  return request('DELETE', `/api/chat/blocks/${userId}`)
}

/** A photo or PDF for a message I am writing in the conversation; send its id with the message. */
export function uploadChatAttachment(conversationId: number, file: File, options: UploadOptions = {}): Promise<ChatAttachment> {
  const form = new FormData()
  form.append('file', file)
  return upload(`/api/chat/conversations/${conversationId}/attachments`, form, options)
}
