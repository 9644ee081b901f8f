/** The text to show for a failed moderation request: the server's reason, else a general one. */
import { ApiError } from '../api'
import { t } from '../i18n'
import { RealtimeError } from '../realtime'

export function errorText(error: unknown): string {
  if ((error instanceof ApiError || error instanceof RealtimeError) && error.detail) return error.detail
  return t('moderation.failed')
}
