import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fakeServer, mountAt, wangFang } from '../../../tests/helpers'

const byTestId = (id: string) => `[data-testid="${id}"]`

describe('logging in', () => {
  it('asks for the mobile number or the user name in one labelled field, and offers a reset', async () => {
    fakeServer({})
    const { wrapper } = await mountAt('/login?next=/boards', null)
    const field = wrapper.find(byTestId('login-username'))
    const label = wrapper.find(`label[for="${field.attributes('id')}"]`)
    expect(label.text()).toContain('手机号或用户名')
    const hint = wrapper.find(`#${field.attributes('aria-describedby')}`)
    expect(hint.text()).toBe('输入加入小区时登记的手机号，或者用户名')
    expect(wrapper.find(byTestId('login-forgot')).text()).toBe('忘记密码？')
    expect(wrapper.find(byTestId('login-forgot')).attributes('href')).toBe('/password-reset?next=/boards')
  })
})

describe('忘记密码', () => {
  it('sends a code to the number, then sets the new password and logs in', async () => {
    const server = fakeServer({
      'POST /api/auth/password-reset/sms-code': {
        status: 202,
        body: { detail: '如果 139****0001 已注册账号，验证码已发送到该号码。', expires_in: 300, resend_after: 60 },
      },
      'POST /api/auth/password-reset': { status: 200, body: wangFang() },
      'GET /api/applications': { status: 200, body: [] },
    })
    const { wrapper, router, session } = await mountAt('/password-reset?next=/applications', null)

    await wrapper.find(byTestId('reset-phone')).setValue('139 0000 0001')
    await wrapper.find(byTestId('reset-send-code')).trigger('click')
    await flushPromises()
    expect(server.calls('POST', '/api/auth/password-reset/sms-code')[0]?.body).toEqual({ phone: '13900000001' })
    expect(wrapper.find(byTestId('reset-code-status')).text()).toBe('如果 139****0001 已注册账号，验证码已发送到该号码。')
    expect(wrapper.find(byTestId('reset-send-code')).text()).toBe('60 秒后可重发')

    await wrapper.find(byTestId('reset-sms-code')).setValue(' 123456 ')
    await wrapper.find(byTestId('reset-password')).setValue('a-brand-new-passphrase')
    await wrapper.find(byTestId('reset-form')).trigger('submit')
    await flushPromises()
    expect(server.calls('POST', '/api/auth/password-reset')[0]?.body).toEqual({
      phone: '13900000001',
      sms_code: '123456',
      password: 'a-brand-new-passphrase',
    })
    expect(session.me?.display_name).toBe('王芳')
    expect(router.currentRoute.value.fullPath).toBe('/applications')
  })

  it('checks the fields before asking the server', async () => {
    const server = fakeServer({})
    const { wrapper } = await mountAt('/password-reset', null)
    await wrapper.find(byTestId('reset-phone')).setValue('12345')
    await wrapper.find(byTestId('reset-send-code')).trigger('click')
    await wrapper.find(byTestId('reset-password')).setValue('short')
    await wrapper.find(byTestId('reset-form')).trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('请输入正确的 11 位手机号')
    expect(wrapper.text()).toContain('请填写短信验证码')
    expect(wrapper.text()).toContain('密码至少 8 位')
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([])
  })

  it('shows the server’s refusal by field and stays on the page', async () => {
    fakeServer({
      'POST /api/auth/password-reset': {
        status: 400,
        body: {
          detail: '验证码错误或已过期。',
          code: 'bad_sms_code',
          errors: { sms_code: '验证码错误或已过期。' },
        },
      },
    })
    const { wrapper, router, session } = await mountAt('/password-reset', null)
    await wrapper.find(byTestId('reset-phone')).setValue('13900000001')
    await wrapper.find(byTestId('reset-sms-code')).setValue('000000')
    await wrapper.find(byTestId('reset-password')).setValue('a-brand-new-passphrase')
    await wrapper.find(byTestId('reset-form')).trigger('submit')
    await flushPromises()
    expect(wrapper.find(byTestId('reset-error')).text()).toBe('验证码错误或已过期。')
    const code = wrapper.find(byTestId('reset-sms-code'))
    expect(code.attributes('aria-invalid')).toBe('true')
    expect(wrapper.find(`#${code.attributes('aria-describedby')}`).text()).toBe('验证码错误或已过期。')
    expect(router.currentRoute.value.name).toBe('password-reset')
    expect(session.me).toBeNull()
  })

  it('says when asking again is throttled', async () => {
    fakeServer({
      'POST /api/auth/password-reset/sms-code': {
        status: 429,
        body: { detail: '验证码刚刚发送过，请稍后再试。', code: 'throttled' },
      },
    })
    const { wrapper } = await mountAt('/password-reset', null)
    await wrapper.find(byTestId('reset-phone')).setValue('13900000001')
    await wrapper.find(byTestId('reset-send-code')).trigger('click')
    await flushPromises()
    expect(wrapper.find(byTestId('reset-error')).text()).toBe('验证码刚刚发送过，请稍后再试。')
    expect(wrapper.find(byTestId('reset-code-status')).exists()).toBe(false)
  })
})
