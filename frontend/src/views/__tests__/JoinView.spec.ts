import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeServer, luodian, meiluoCommittee, meiluoEstate, mountAt, place, wangFang, sessionOf } from '../../../tests/helpers'

const JOIN_INFO = {
  estate: meiluoEstate,
  community: meiluoCommittee,
  street: luodian,
  district: place(1, '宝山区', 'district', '区'),
}

const APPLICATION = {
  id: 31,
  status: 'pending',
  status_label: '待审核',
  estate: meiluoEstate,
  community: meiluoCommittee,
  real_name: '王芳',
  phone_masked: '138****0001',
  building: '12',
  unit: '3',
  room: '301',
  note: '',
  created_at: '2024-05-01T10:00:00+08:00',
  decided_at: null,
  decided_by_name: null,
  reason: '',
}

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

async function fill(wrapper: VueWrapper, values: Record<string, string>) {
  for (const [id, value] of Object.entries(values)) await byTestId(wrapper, id).setValue(value)
}

const COMPLETE = {
  'join-real-name': '王芳',
  'join-phone': '138 0000 0001',
  'join-sms-code': '123456',
  'join-building': '12',
  'join-unit': '3',
  'join-room': '301',
}

describe('JoinView', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows the estate, community and street of the code', async () => {
    fakeServer({ 'GET /api/join/qr-abc': { status: 200, body: JOIN_INFO } })
    const { wrapper } = await mountAt('/join/qr-abc', null)

    expect(byTestId(wrapper, 'join-estate').text()).toBe('美罗家园')
    expect(byTestId(wrapper, 'join-community').text()).toBe('美罗家园第一居委会')
    expect(byTestId(wrapper, 'join-street').text()).toBe('罗店镇')
  })

  it('tells the visitor a rotated or unknown code is no longer valid', async () => {
    fakeServer({ 'GET /api/join/old-code': { status: 404, body: { detail: '未找到', code: 'not_found' } } })
    const { wrapper } = await mountAt('/join/old-code', null)

    expect(byTestId(wrapper, 'join-invalid').text()).toContain('这个加入链接已失效')
    expect(byTestId(wrapper, 'join-form').exists()).toBe(false)
  })

  it('refuses to submit an incomplete form, saying what is missing', async () => {
    const server = fakeServer({ 'GET /api/join/qr-abc': { status: 200, body: JOIN_INFO } })
    const { wrapper } = await mountAt('/join/qr-abc', null)

    await fill(wrapper, { 'join-phone': '12345', 'join-password': 'short' })
    await byTestId(wrapper, 'join-form').trigger('submit')
    await flushPromises()

    const text = wrapper.text()
    expect(text).toContain('请填写真实姓名')
    expect(text).toContain('请输入正确的 11 位手机号')
    expect(text).toContain('请填写短信验证码')
    expect(text).toContain('请填写室号')
    expect(text).toContain('密码至少 8 位')
    expect(byTestId(wrapper, 'join-real-name').attributes('aria-invalid')).toBe('true')
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([])
  })

  it('asks a visitor for a password and sends it, then loads the new session', async () => {
    const server = fakeServer({
      'GET /api/join/qr-abc': { status: 200, body: JOIN_INFO },
      'POST /api/join/qr-abc/applications': { status: 201, body: APPLICATION },
      'GET /api/auth/session': sessionOf(wangFang({ memberships: [] })),
    })
    const { wrapper, session } = await mountAt('/join/qr-abc', null)

    await fill(wrapper, { ...COMPLETE, 'join-password': 'longenough' })
    await byTestId(wrapper, 'join-submit').trigger('submit')
    await flushPromises()

    expect(server.calls('POST', '/api/join/qr-abc/applications')[0]?.body).toEqual({
      real_name: '王芳',
      phone: '13800000001',
      sms_code: '123456',
      building: '12',
      unit: '3',
      room: '301',
      password: 'longenough',
    })
    expect(session.me?.display_name).toBe('王芳')
    expect(byTestId(wrapper, 'join-success').text()).toContain('已提交，等待居委会审核')
    expect(byTestId(wrapper, 'join-applications-link').attributes('href')).toBe('/applications')
  })

  it('hides the password from a logged-in user and sends none', async () => {
    const server = fakeServer({
      'GET /api/join/qr-abc': { status: 200, body: JOIN_INFO },
      'POST /api/join/qr-abc/applications': { status: 201, body: APPLICATION },
    })
    const { wrapper } = await mountAt('/join/qr-abc', wangFang({ memberships: [] }))

    expect(byTestId(wrapper, 'join-password').exists()).toBe(false)
    expect(byTestId(wrapper, 'join-applying-as').text()).toContain('王芳')

    await fill(wrapper, { ...COMPLETE, 'join-note': '租户' })
    await byTestId(wrapper, 'join-form').trigger('submit')
    await flushPromises()

    const body = server.calls('POST', '/api/join/qr-abc/applications')[0]?.body as Record<string, string>
    expect(body).not.toHaveProperty('password')
    expect(body.note).toBe('租户')
    expect(server.calls('GET', '/api/auth/session')).toEqual([])
    expect(byTestId(wrapper, 'join-success').exists()).toBe(true)
  })

  it('shows the server’s field errors next to the fields', async () => {
    fakeServer({
      'GET /api/join/qr-abc': { status: 200, body: JOIN_INFO },
      'POST /api/join/qr-abc/applications': {
        status: 400,
        body: { detail: '请检查填写的信息', code: 'invalid', errors: { sms_code: '验证码错误或已过期' } },
      },
    })
    const { wrapper } = await mountAt('/join/qr-abc', null)

    await fill(wrapper, { ...COMPLETE, 'join-password': 'longenough' })
    await byTestId(wrapper, 'join-form').trigger('submit')
    await flushPromises()

    expect(byTestId(wrapper, 'join-error').text()).toContain('请检查填写的信息')
    const smsInput = byTestId(wrapper, 'join-sms-code')
    expect(smsInput.attributes('aria-invalid')).toBe('true')
    const describedBy = smsInput.attributes('aria-describedby') ?? ''
    expect(wrapper.find(`[id="${describedBy}"]`).text()).toBe('验证码错误或已过期')
    expect(byTestId(wrapper, 'join-success').exists()).toBe(false)
  })

  it('points to my applications when one is already pending', async () => {
    fakeServer({
      'GET /api/join/qr-abc': { status: 200, body: JOIN_INFO },
      'POST /api/join/qr-abc/applications': {
        status: 409,
        body: { detail: '你已有一条待审核的申请', code: 'duplicate_pending' },
      },
    })
    const { wrapper } = await mountAt('/join/qr-abc', wangFang({ memberships: [] }))

    await fill(wrapper, COMPLETE)
    await byTestId(wrapper, 'join-form').trigger('submit')
    await flushPromises()

    const error = byTestId(wrapper, 'join-error')
    expect(error.text()).toContain('你已有一条待审核的申请')
    expect(error.find('a').attributes('href')).toBe('/applications')
  })

  it('sends the SMS code and counts down before allowing a resend', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const server = fakeServer({
      'GET /api/join/qr-abc': { status: 200, body: JOIN_INFO },
      'POST /api/auth/sms-code': {
        status: 202,
        body: { detail: '验证码已发送', expires_in: 300, resend_after: 60 },
      },
    })
    const { wrapper } = await mountAt('/join/qr-abc', null)
    const button = () => byTestId(wrapper, 'join-send-code')

    await fill(wrapper, { 'join-phone': '13800000001' })
    await button().trigger('click')
    await flushPromises()

    expect(server.calls('POST', '/api/auth/sms-code')[0]?.body).toEqual({ phone: '13800000001' })
    expect(byTestId(wrapper, 'join-code-status').text()).toBe('验证码已发送')
    expect(button().attributes('disabled')).toBeDefined()
    expect(button().text()).toContain('60 秒后可重发')

    vi.advanceTimersByTime(59_000)
    await flushPromises()
    expect(button().text()).toContain('1 秒后可重发')

    vi.advanceTimersByTime(1_000)
    await flushPromises()
    expect(button().attributes('disabled')).toBeUndefined()
    expect(button().text()).toBe('获取验证码')
  })

  it('does not ask for a code for an invalid phone, and shows the server’s phone error', async () => {
    const server = fakeServer({
      'GET /api/join/qr-abc': { status: 200, body: JOIN_INFO },
      'POST /api/auth/sms-code': {
        status: 400,
        body: { detail: '手机号无效', code: 'invalid', errors: { phone: '该号码无法接收短信' } },
      },
    })
    const { wrapper } = await mountAt('/join/qr-abc', null)

    await fill(wrapper, { 'join-phone': '555' })
    await byTestId(wrapper, 'join-send-code').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('请输入正确的 11 位手机号')
    expect(server.calls('POST', '/api/auth/sms-code')).toEqual([])

    await fill(wrapper, { 'join-phone': '19900000000' })
    await byTestId(wrapper, 'join-send-code').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('该号码无法接收短信')
  })
})
