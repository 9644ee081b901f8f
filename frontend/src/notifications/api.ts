/** /api/notifications/…: this device's push subscription, my settings, muting a conversation. */
import { request } from '../api'

export interface NotificationSettings {
  direct: boolean
  mention: boolean
  reply: boolean
  urgent: boolean
  callout: boolean
  decision: boolean
  letter: boolean
  cases: boolean
  digest: boolean
  quiet_start: string | null
  quiet_end: string | null
  muted_conversations: number[]
  devices: number
}

export type Preference = 'direct' | 'mention' | 'reply' | 'urgent' | 'callout' | 'decision' | 'letter' | 'cases' | 'digest'
export const PREFERENCES: Preference[] = ['direct', 'mention', 'reply', 'urgent', 'callout', 'decision', 'letter', 'cases', 'digest']

export function getVapidKey(): Promise<{ public_key: string }> {
  return request('GET', '/api/notifications/vapid')
}

export function saveSubscription(subscription: PushSubscriptionJSON): Promise<{ endpoint: string; created: boolean }> {
  return request('POST', '/api/notifications/subscriptions', {
    body: { endpoint: subscription.endpoint, keys: subscription.keys },
  })
}

export function deleteSubscription(endpoint: string): Promise<void> {
  return request('POST', '/api/notifications/subscriptions/delete', { body: { endpoint } })
}

export function getNotificationSettings(): Promise<NotificationSettings> {
  return request('GET', '/api/notifications/settings')
}

/** Changes the settings given; the others stay as they are. */
export function updateNotificationSettings(
  changes: Partial<Omit<NotificationSettings, 'devices'>>,
): Promise<NotificationSettings> {
  return request('PATCH', '/api/notifications/settings', { body: changes })
}

export function muteConversation(conversationId: number, muted: boolean): Promise<NotificationSettings> {
  return request('POST', `/api/notifications/conversations/${conversationId}/mute`, { body: { muted } })
}
