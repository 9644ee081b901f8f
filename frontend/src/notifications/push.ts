/**
 * Push on this device: the service worker (/sw.js), the browser's permission, and its push
 * subscription, which the server stores (docs/notifications.md). Components use these, never
 * the Push API directly.
 */
import { deleteSubscription, getVapidKey, saveSubscription } from './api'

export type PushState = 'unsupported' | 'denied' | 'on' | 'off'

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window
}

/** Registers the service worker (offline shell, pushes); harmless where unsupported. */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return Promise.resolve(null)
  return navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => null)
}

async function registration(): Promise<ServiceWorkerRegistration> {
  await registerServiceWorker()
  return navigator.serviceWorker.ready
}

/** The VAPID key as the Push API takes it (base64url → bytes). */
export function keyBytes(base64url: string): Uint8Array {
  const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/')
  const raw = atob(base64)
  return Uint8Array.from(raw, (char) => char.charCodeAt(0))
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported'
  if (Notification.permission === 'denied') return 'denied'
  const existing = await (await registration()).pushManager.getSubscription()
  return existing && Notification.permission === 'granted' ? 'on' : 'off'
}

/** Asks the person's permission, subscribes this browser and tells the server. */
export async function enablePush(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported'
  const permission = await Notification.requestPermission()
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off'
  const reg = await registration()
  const { public_key } = await getVapidKey()
  let subscription = await reg.pushManager.getSubscription()
  subscription ??= await reg.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(public_key) as BufferSource,
  })
  await saveSubscription(subscription.toJSON())
  return 'on'
}

/** This device stops receiving pushes (the server forgets it too). */
export async function disablePush(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported'
  const subscription = await (await registration()).pushManager.getSubscription()
  if (subscription) {
    await deleteSubscription(subscription.endpoint)
    await subscription.unsubscribe()
  }
  return 'off'
}
