import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fakeServer, liWei, mountAt, sessionOf, wangFang } from '../../tests/helpers'
import { safeNext } from '../router'

describe('router', () => {
  it('sends a visitor to /login, remembering where they were going', async () => {
    fakeServer({})
    const { router } = await mountAt('/applications?x=1', null)

    expect(router.currentRoute.value.fullPath).toBe('/login?next=/applications?x=1')
  })

  it('asks the server who is logged in on the first guarded page', async () => {
    const server = fakeServer({ 'GET /api/auth/session': sessionOf(null) })
    const { router, session } = await mountAt('/', null)
    session.loaded = false

    await router.push('/applications')

    expect(server.calls('GET', '/api/auth/session')).toHaveLength(1)
    expect(server.calls('GET', '/api/me')).toEqual([]) // the 401 endpoint is not asked
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('logs in and goes to `next`', async () => {
    const server = fakeServer({
      'POST /api/auth/login': { status: 200, body: wangFang() },
      'GET /api/applications': { status: 200, body: [] },
    })
    const { wrapper, router } = await mountAt('/login?next=/applications', null)

    await wrapper.find('[data-testid="login-username"]').setValue(' 13800000001 ')
    await wrapper.find('[data-testid="login-password"]').setValue('secret-pass')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(server.calls('POST', '/api/auth/login')[0]?.body).toEqual({
      username: '13800000001',
      password: 'secret-pass',
    })
    expect(router.currentRoute.value.fullPath).toBe('/applications')
  })

  it('shows the server’s message for wrong credentials', async () => {
    fakeServer({
      'POST /api/auth/login': { status: 400, body: { detail: '用户名或密码错误', code: 'invalid_credentials' } },
    })
    const { wrapper, router } = await mountAt('/login', null)

    await wrapper.find('[data-testid="login-username"]').setValue('13800000001')
    await wrapper.find('[data-testid="login-password"]').setValue('wrong')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(wrapper.find('[data-testid="login-error"]').text()).toBe('用户名或密码错误')
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('sends a logged-in user away from /login', async () => {
    fakeServer({ 'GET /api/review/applications?status=pending': { status: 200, body: [] } })
    const { router } = await mountAt('/login?next=/review', liWei())

    expect(router.currentRoute.value.fullPath).toBe('/review')
  })

  it('never follows `next` off the site', () => {
    expect(safeNext('/review')).toBe('/review')
    expect(safeNext('//evil.example/x')).toBe('/')
    expect(safeNext('https://evil.example')).toBe('/')
    expect(safeNext('/\\evil.example')).toBe('/')
    expect(safeNext(undefined)).toBe('/')
  })
})
