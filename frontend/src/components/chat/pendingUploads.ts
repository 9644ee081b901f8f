/**
 * The photos and PDFs picked in the composer: each uploads at once (with its progress) into
 * the conversation, and the message sends the ids of those that made it.
 */
import { computed, onBeforeUnmount, ref } from 'vue'
import { ApiError, uploadChatAttachment } from '../../api'
import type { ChatAttachment } from '../../realtime'

/** What the server accepts; it checks the content itself, whatever the browser says. */
export const ACCEPTED_TYPES = 'image/jpeg,image/png,image/webp,image/gif,application/pdf'
/** As CHAT_ATTACHMENTS_MAX's default: the server refuses more. */
export const ATTACHMENTS_MAX = 9

export interface PendingUpload {
  key: number
  name: string
  kind: 'image' | 'file'
  /** A local preview of a photo (an object URL), before and while it uploads. */
  preview: string | null
  progress: number
  status: 'uploading' | 'done' | 'failed'
  error: string
  attachment: ChatAttachment | null
  abort: AbortController
}

let nextKey = 1

export function usePendingUploads(conversation: () => number | undefined, describe: (error: unknown) => string) {
  const pending = ref<PendingUpload[]>([])

  const uploading = computed(() => pending.value.some((p) => p.status === 'uploading'))
  const done = computed(() => pending.value.flatMap((p) => (p.status === 'done' && p.attachment ? [p.attachment] : [])))

  function find(key: number): PendingUpload | undefined {
    return pending.value.find((p) => p.key === key)
  }

  /** Starts uploading the files; returns how many were left out (over the limit). */
  function add(files: File[], limit = ATTACHMENTS_MAX): number {
    const id = conversation()
    if (id === undefined) return files.length
    const room = Math.max(0, limit - pending.value.length)
    for (const file of files.slice(0, room)) {
      const image = file.type.startsWith('image/')
      const entry: PendingUpload = {
        key: nextKey++,
        name: file.name,
        kind: image || file.type !== 'application/pdf' ? 'image' : 'file',
        preview: image && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null,
        progress: 0,
        status: 'uploading',
        error: '',
        attachment: null,
        abort: new AbortController(),
      }
      pending.value.push(entry)
      const key = entry.key
      uploadChatAttachment(id, file, {
        signal: entry.abort.signal,
        onProgress: (fraction) => {
          const item = find(key)
          if (item) item.progress = fraction
        },
      }).then(
        (attachment) => {
          const item = find(key)
          if (!item) return
          item.attachment = attachment
          item.kind = attachment.kind
          item.status = 'done'
          item.progress = 1
        },
        (error: unknown) => {
          const item = find(key)
          if (!item) return
          item.status = 'failed'
          item.error = error instanceof ApiError ? (error.errors.file ?? error.detail) : describe(error)
        },
      )
    }
    return Math.max(0, files.length - room)
  }

  function forget(entry: PendingUpload): void {
    if (entry.status === 'uploading') entry.abort.abort()
    if (entry.preview) URL.revokeObjectURL?.(entry.preview)
  }

  function remove(key: number): void {
    const entry = find(key)
    if (entry) forget(entry)
    pending.value = pending.value.filter((p) => p.key !== key)
  }

  function clear(): void {
    for (const entry of pending.value) forget(entry)
    pending.value = []
  }

  onBeforeUnmount(clear)

  return { pending, uploading, done, add, remove, clear }
}
