import { beforeEach, describe, expect, it, vi } from 'vitest'
import { CSRF, fakeServer, sessionOf, wangFang } from '../../tests/helpers'

// api.ts keeps the CSRF token in module state: each test gets fresh modules.
async function freshModules() {
  vi.resetModules()
  const api = await import('../api')
  const i18n = await import('../i18n')
  return { api, i18n }
}

describe('api', () => {
  beforeEach(() => {
    vi.resetModules()
  })

  it('sends Accept-Language for the chosen UI language', async () => {
    const { api, i18n } = await freshModules()
    const server = fakeServer({ 'GET /api/applications': { status: 200, body: [] } })

    await api.listMyApplications()
    i18n.setLocale('en')
    await api.listMyApplications()

    const [zh, en] = server.calls('GET', '/api/applications')
    expect(zh?.headers['Accept-Language']).toBe('zh-hans')
    expect(en?.headers['Accept-Language']).toBe('en')
  })

  it('sends the CSRF token from /api/auth/csrf on every POST, fetching it once', async () => {
    const { api } = await freshModules()
    const server = fakeServer({
      'POST /api/applications/7/withdraw': { status: 200, body: {} },
      'POST /api/applications/8/withdraw': { status: 200, body: {} },
    })

    await api.initCsrf()
    await api.withdrawApplication(7)
    await api.withdrawApplication(8)

    expect(server.calls('GET', '/api/auth/csrf')).toHaveLength(1)
    for (const id of [7, 8]) {
      const [post] = server.calls('POST', `/api/applications/${id}/withdraw`)
      expect(post?.headers['X-CSRFToken']).toBe(CSRF)
    }
  })

  it('fetches a token before the first POST when start-up did not', async () => {
    const { api } = await freshModules()
    const server = fakeServer({ 'POST /api/auth/sms-code': { status: 202, body: { detail: 'ok' } } })

    await api.sendSmsCode('13800000001')

    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/auth/csrf',
      'POST /api/auth/sms-code',
    ])
    expect(server.requests[1]?.headers['X-CSRFToken']).toBe(CSRF)
    expect(server.requests[1]?.headers['Content-Type']).toBe('application/json')
    expect(server.requests[1]?.body).toEqual({ phone: '13800000001' })
  })

  it('prefers the csrftoken cookie, which Django rotates at login', async () => {
    const { api } = await freshModules()
    const server = fakeServer({ 'POST /api/auth/logout': { status: 204 } })
    await api.initCsrf()
    document.cookie = 'csrftoken=rotated-secret; path=/'

    await api.logout()

    expect(server.calls('POST', '/api/auth/logout')[0]?.headers['X-CSRFToken']).toBe('rotated-secret')
  })

  it('fetches a new token after login when the cookie cannot be read', async () => {
    const { api } = await freshModules()
    let issued = 0
    const server = fakeServer({
      'GET /api/auth/csrf': () => ({ status: 200, body: { csrf_token: `token-${++issued}` } }),
      'POST /api/auth/login': { status: 200, body: wangFang() },
      'POST /api/auth/logout': { status: 204 },
    })

    await api.initCsrf()
    await api.login('13800000001', 'secret-pass')
    await api.logout()

    expect(server.calls('POST', '/api/auth/login')[0]?.headers['X-CSRFToken']).toBe('token-1')
    expect(server.calls('POST', '/api/auth/logout')[0]?.headers['X-CSRFToken']).toBe('token-2')
  })

  it('turns an error body into ApiError {status, detail, code, errors}', async () => {
    const { api } = await freshModules()
    fakeServer({
      'POST /api/join/abc/applications': {
        status: 400,
        body: {
          detail: '请检查填写的信息',
          code: 'invalid',
          errors: { sms_code: '验证码错误或已过期', phone: ['手机号无效', '请重新输入'] },
        },
      },
    })

    const error = await api
      .submitJoinApplication('abc', {
        real_name: '王芳',
        phone: '123',
        sms_code: '0000',
        building: '1',
        unit: '1',
        room: '101',
      })
      .catch((e: unknown) => e)

    expect(error).toBeInstanceOf(api.ApiError)
    expect(error).toMatchObject({
      status: 400,
      detail: '请检查填写的信息',
      code: 'invalid',
      errors: { sms_code: '验证码错误或已过期', phone: '手机号无效 请重新输入' },
    })
  })

  it('gives a translated fallback when the error body is not JSON', async () => {
    const { api, i18n } = await freshModules()
    i18n.setLocale('en')
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<h1>Bad gateway</h1>', { status: 502 })))

    const error = await api.listMyApplications().catch((e: unknown) => e)

    expect(error).toMatchObject({ status: 502, code: 'http_502', errors: {} })
    expect((error as Error).message).toContain('502')
    expect((error as Error).message).toMatch(/went wrong/)
  })

  it('reports a network failure as status 0', async () => {
    const { api } = await freshModules()
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))

    await expect(api.listMyApplications()).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })

  it('calls the unauthorized handler on a 401 and still rejects', async () => {
    const { api } = await freshModules()
    const handler = vi.fn()
    api.onUnauthorized(handler)
    fakeServer({
      'GET /api/applications': { status: 401, body: { detail: '请先登录', code: 'not_authenticated' } },
    })

    await expect(api.listMyApplications()).rejects.toMatchObject({ status: 401, code: 'not_authenticated' })
    expect(handler).toHaveBeenCalledOnce()
  })

  it('asks who is logged in with a 200 answer: a visitor is no error', async () => {
    const { api } = await freshModules()
    const handler = vi.fn()
    api.onUnauthorized(handler)
    const server = fakeServer({ 'GET /api/auth/session': sessionOf(null, 'Asia/Urumqi') })

    await expect(api.getSession()).resolves.toEqual({ authenticated: false, user: null, time_zone: 'Asia/Urumqi' })
    expect(handler).not.toHaveBeenCalled()
    expect(server.calls('GET', '/api/me')).toEqual([])
  })

  it('builds the review query from the filter, leaving out empty parts', async () => {
    const { api } = await freshModules()
    const server = fakeServer({
      'GET /api/review/applications?status=pending&community=10': { status: 200, body: [] },
      'GET /api/review/applications?status=all': { status: 200, body: [] },
    })

    await api.listReviewApplications({ status: 'pending', community: 10 })
    await api.listReviewApplications({ status: 'all', community: undefined })

    expect(server.requests).toHaveLength(2)
  })

  it('returns nothing for a 204 and sends the session cookie', async () => {
    const { api } = await freshModules()
    const server = fakeServer({ 'POST /api/auth/logout': { status: 204 } })

    await expect(api.logout()).resolves.toBeUndefined()
    const init = vi.mocked(fetch).mock.calls.at(-1)?.[1]
    expect(init?.credentials).toBe('same-origin')
    expect(server.calls('POST', '/api/auth/logout')).toHaveLength(1)
  })

  it('unblocks with DELETE (and the CSRF token), and reads lists wrapped as {results}', async () => {
    const { api } = await freshModules()
    const server = fakeServer({
      'DELETE /api/chat/blocks/9': { status: 204 },
      'GET /api/chat/letters?box=sent': { status: 200, body: { results: [{ id: 1 }] } },
      'GET /api/chat/communities/10/neighbours?q=%E8%B5%B5': { status: 200, body: [] },
    })

    await api.unblockUser(9)
    await expect(api.listLetters('sent')).resolves.toEqual([{ id: 1 }])
    await expect(api.listNeighbours(10, ' 赵 ')).resolves.toEqual([])

    expect(server.calls('DELETE', '/api/chat/blocks/9')[0]?.headers['X-CSRFToken']).toBe(CSRF)
  })
})
