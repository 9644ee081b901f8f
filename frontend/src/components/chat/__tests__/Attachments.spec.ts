import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { i18n } from '../../../i18n'
import { conversation, fakeChatServer, message, wangFangPerson } from '../../../../tests/fakeSocket'
import { fakeServer, mountAt, wangFang } from '../../../../tests/helpers'
import type { ChatAttachment } from '../../../realtime'
import ChatComposer from '../ChatComposer.vue'
import MessageItem from '../MessageItem.vue'

const preview = vi.hoisted(() => vi.fn())
vi.mock('vant', async (original) => ({ ...(await original<typeof import('vant')>()), showImagePreview: preview }))

const global = { plugins: [i18n] }
const wang = { id: 7, name: '王芳' }

const photo: ChatAttachment = {
  id: 31,
  kind: 'image',
  url: '/api/chat/attachments/31',
  thumbnail_url: '/api/chat/attachments/31/thumbnail',
  width: 1600,
  height: 1200,
  name: null,
  size: 183_422,
}
const secondPhoto: ChatAttachment = { ...photo, id: 33, url: '/api/chat/attachments/33', thumbnail_url: '/api/chat/attachments/33/thumbnail' }
const pdf: ChatAttachment = {
  id: 32,
  kind: 'file',
  url: '/api/chat/attachments/32',
  thumbnail_url: null,
  width: null,
  height: null,
  name: '停水通知.pdf',
  size: 52_011,
}

/** XMLHttpRequest as api.upload() drives it: the test sends progress and the answer. */
class FakeXhr {
  static all: FakeXhr[] = []
  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: FormData | null = null
  status = 0
  responseText = ''
  aborted = false
  private listeners: Record<string, (() => void)[]> = {}
  private progress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void)[] = []
  upload = {
    addEventListener: (_type: string, listener: (typeof this.progress)[number]) => this.progress.push(listener),
  }

  constructor() {
    FakeXhr.all.push(this)
  }
  open(method: string, url: string) {
    this.method = method
    this.url = url
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value
  }
  addEventListener(type: string, listener: () => void) {
    ;(this.listeners[type] ??= []).push(listener)
  }
  send(body: FormData) {
    this.body = body
  }
  abort() {
    this.aborted = true
    this.fire('abort')
  }
  sent(loaded: number, total: number) {
    for (const listener of this.progress) listener({ lengthComputable: true, loaded, total })
  }
  answer(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.fire('load')
  }
  private fire(type: string) {
    for (const listener of this.listeners[type] ?? []) listener()
  }
}

beforeEach(() => {
  FakeXhr.all = []
  vi.stubGlobal('XMLHttpRequest', FakeXhr)
  document.cookie = 'csrftoken=token-from-cookie; path=/'
  preview.mockClear()
})

afterEach(() => {
  vi.unstubAllGlobals()
})

function composer(props: Record<string, unknown> = {}) {
  return mount(ChatComposer, {
    props: { members: [], replyTo: null, editing: null, limit: 2000, conversation: 3, ...props },
    global,
  })
}

async function pick(wrapper: ReturnType<typeof composer>, ...files: File[]) {
  const input = wrapper.get<HTMLInputElement>('[data-testid="composer-file-input"]')
  Object.defineProperty(input.element, 'files', { value: files, configurable: true })
  await input.trigger('change')
  await flushPromises()
}

const jpeg = () => new File([new Uint8Array(2048)], '楼道.jpg', { type: 'image/jpeg' })

describe('ChatComposer with photos and files', () => {
  it('uploads a picked photo with a progress bar, then sends it without text', async () => {
    const wrapper = composer()
    const send = wrapper.get('[data-testid="composer-send"]')
    expect(send.attributes('disabled')).toBeDefined() // nothing to send yet

    await pick(wrapper, jpeg())
    const [xhr] = FakeXhr.all
    expect(xhr?.method).toBe('POST')
    expect(xhr?.url).toBe('/api/chat/conversations/3/attachments')
    expect(xhr?.headers['X-CSRFToken']).toBe('token-from-cookie')
    expect(xhr?.headers['Accept-Language']).toBeTruthy()
    expect((xhr?.body?.get('file') as File).name).toBe('楼道.jpg')

    xhr?.sent(512, 2048)
    await flushPromises()
    const bar = wrapper.get<HTMLProgressElement>('[data-testid="upload-progress"]')
    expect(bar.attributes('value')).toBe('25')
    expect(bar.attributes('aria-label')).toBe('正在上传 楼道.jpg')
    expect(send.attributes('disabled')).toBeDefined() // not while uploading

    xhr?.answer(201, photo)
    await flushPromises()
    expect(wrapper.find('[data-testid="upload-progress"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="composer-file-done"]').exists()).toBe(true)
    expect(send.attributes('disabled')).toBeUndefined()

    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ body: '', mentions: [], attachments: [photo] }]])
    expect(wrapper.find('[data-testid="composer-files"]').exists()).toBe(false) // sent: cleared
  })

  it("shows the server's reason for a refused file, sends nothing of it, and lets it go", async () => {
    const wrapper = composer()
    await pick(wrapper, new File(['<html>'], 'page.pdf', { type: 'application/pdf' }))
    FakeXhr.all[0]?.answer(400, {
      detail: '请修改标出的内容。',
      code: 'invalid',
      errors: { file: '附件只能是 PDF 文件。' },
    })
    await flushPromises()

    const failed = wrapper.get('[data-testid="composer-file-failed"]')
    expect(failed.get('[role="alert"]').text()).toBe('附件只能是 PDF 文件。')
    await wrapper.get('[data-testid="composer-input"]').setValue('看看这个')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')?.[0]).toEqual([{ body: '看看这个', mentions: [], attachments: [] }])

    await pick(wrapper, jpeg())
    await wrapper.get('[data-testid="composer-file-remove"]').trigger('click')
    expect(FakeXhr.all[1]?.aborted).toBe(true) // removing a file still uploading cancels it
    expect(wrapper.find('[data-testid="composer-files"]').exists()).toBe(false)
  })

  it('takes no more files than a message may carry', async () => {
    const wrapper = composer({ attachLimit: 2 })
    await pick(wrapper, jpeg(), jpeg(), jpeg())
    expect(FakeXhr.all).toHaveLength(2)
    expect(wrapper.get('[data-testid="composer-attach"]').attributes('disabled')).toBeDefined()
  })

  it('offers no attaching while editing a message or without a conversation', () => {
    const editing = message(5, 3, wang, '原文')
    expect(composer({ editing }).find('[data-testid="composer-attach"]').exists()).toBe(false)
    expect(composer({ conversation: undefined }).find('[data-testid="composer-attach"]').exists()).toBe(false)
  })
})

describe('MessageItem with photos and files', () => {
  const base = { mine: false, online: false, liked: false, mentionsMe: false, menuOpen: false }

  it('shows thumbnails and a PDF link, and a photo-only message has no empty text', () => {
    const item = mount(MessageItem, {
      props: { ...base, message: message(40, 3, wang, '', { attachments: [photo, secondPhoto, pdf] }) },
      global,
    })
    const thumbs = item.findAll('[data-testid^="attachment-photo-"] img')
    expect(thumbs.map((img) => img.attributes('src'))).toEqual([photo.thumbnail_url, secondPhoto.thumbnail_url])
    expect(thumbs[0]?.attributes('alt')).toBe('')
    const link = item.get('[data-testid="attachment-file-32"]')
    expect(link.attributes('href')).toBe('/api/chat/attachments/32')
    expect(link.attributes('download')).toBe('停水通知.pdf')
    expect(link.text()).toContain('51 KB')
    expect(item.find('[data-testid="message-body-40"]').exists()).toBe(false)
  })

  it('opens the full photos on a tap, at the one tapped, without starting a reply', async () => {
    const item = mount(MessageItem, {
      props: { ...base, message: message(41, 3, wang, '门口的快递', { attachments: [photo, secondPhoto] }) },
      global,
    })
    await item.get('[data-testid="attachment-photo-33"]').trigger('click')
    expect(preview).toHaveBeenCalledWith({ images: [photo.url, secondPhoto.url], startPosition: 1, closeable: true })
    expect(item.emitted('reply')).toBeUndefined()
    expect(item.get('[data-testid="message-body-41"]').text()).toBe('门口的快递')
  })

  it('shows no files of a deleted message, and quotes a photo-only message as such', () => {
    const deleted = mount(MessageItem, {
      props: { ...base, message: message(42, 3, wang, '', { deleted: true, attachments: [photo] }) },
      global,
    })
    expect(deleted.find('[data-testid^="attachment-"]').exists()).toBe(false)
    const reply = mount(MessageItem, {
      props: {
        ...base,
        message: message(43, 3, wang, '好看', { reply_to: { id: 40, author: wang, excerpt: '', deleted: false } }),
      },
      global,
    })
    expect(reply.get('[data-testid="message-quote-43"]').text()).toContain('[图片或文件]')
  })
})

describe('a photo sent in a conversation', () => {
  it('goes in the send frame by its id, shows while sending, then as the message', async () => {
    const server = fakeChatServer({ conversations: [conversation(3, 'estate', '美罗家园', 0)], messages: [] })
    server.handlers.send = () => null // the ack comes when the test says so
    fakeServer({})
    const { wrapper } = await mountAt('/chat/3', wangFang())
    await flushPromises()

    await pick(wrapper as unknown as ReturnType<typeof composer>, jpeg())
    FakeXhr.all[0]?.answer(201, photo)
    await flushPromises()
    await wrapper.get('[data-testid="composer-send"]').trigger('submit')
    await flushPromises()

    const [frame] = server.sent('send')
    expect(frame).toMatchObject({ op: 'send', conversation: 3, body: '', attachments: [31] })
    const outgoing = wrapper.get('[data-testid^="outgoing-"]')
    expect(outgoing.get('img').attributes('src')).toBe(photo.thumbnail_url)

    const posted = message(1001, 3, wangFangPerson, '', { client_id: String(frame?.client_id), attachments: [photo] })
    server.socket.push({ type: 'ack', ref: frame?.ref, message: posted, duplicate: false })
    await flushPromises()
    expect(wrapper.find('[data-testid^="outgoing-"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="attachment-photo-31"] img').attributes('src')).toBe(photo.thumbnail_url)
  })
})
