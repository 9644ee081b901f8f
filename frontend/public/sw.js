/*
 * The service worker of Shequtong (served at /sw.js so its scope is the whole app).
 *
 * - Offline: the app shell (the page and the bundle it loaded) and the last answers of the
 *   reading endpoints are kept, so the app opens without a network and shows the last-seen
 *   boards (the chat list is kept by the page itself, see src/offline.ts).
 * - Push: shows what the server pushed (docs/notifications.md) and opens its page when
 *   tapped; a "clear" push closes the notification of something read on another device.
 */
const SHELL = 'shequtong-shell-v1'
const READS = 'shequtong-reads-v1'
// Reading endpoints whose last answer is worth showing offline (the app asks who is logged
// in with /api/auth/session).
const KEPT_READS = ['/api/auth/session', '/api/me', '/api/boards', '/api/volunteer']

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.add(new Request('/', { cache: 'reload' })))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  const current = new Set([SHELL, READS])
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => !current.has(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  )
})

async function networkFirst(request, cacheName, fallback) {
  const cache = await caches.open(cacheName)
  try {
    const response = await fetch(request)
    if (response.ok) await cache.put(fallback ?? request, response.clone())
    return response
  } catch (error) {
    const kept = await cache.match(fallback ?? request)
    if (kept) return kept
    throw error
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL)
  const kept = await cache.match(request)
  if (kept) return kept
  const response = await fetch(request)
  if (response.ok) await cache.put(request, response.clone())
  return response
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (request.mode === 'navigate') {
    // Every page address is the same app: the shell answers them all when offline.
    event.respondWith(networkFirst(request, SHELL, '/'))
  } else if (url.pathname.startsWith('/static/')) {
    // The bundle's file names carry their content's hash: once fetched, never stale.
    event.respondWith(cacheFirst(request))
  } else if (KEPT_READS.some((path) => url.pathname.startsWith(path))) {
    event.respondWith(networkFirst(request, READS))
  }
})

self.addEventListener('push', (event) => {
  let push = {}
  try {
    push = event.data ? event.data.json() : {}
  } catch {
    return
  }
  if (push.kind === 'clear') {
    event.waitUntil(
      self.registration
        .getNotifications({ tag: push.tag })
        .then((shown) => shown.forEach((notification) => notification.close())),
    )
    return
  }
  event.waitUntil(
    self.registration.showNotification(push.title || '社区通', {
      body: push.body || '',
      tag: push.tag || undefined,
      renotify: Boolean(push.tag),
      icon: '/static/icons/icon-192.png',
      badge: '/static/icons/icon-192.png',
      data: { url: push.url || '/', kind: push.kind },
      requireInteraction: push.kind === 'urgent',
    }),
  )
})

/** A tapped notification: its page, in an open window of the app or a new one. */
function openPageOf(notification) {
  notification.close()
  const target = new URL(notification.data?.url || '/', self.location.origin).href
  return self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin)
    // Focusing needs the tap's user activation; without one the page still changes.
    if (open) return open.navigate(target).then((client) => (client ?? open).focus().catch(() => client))
    return self.clients.openWindow(target)
  })
}

self.addEventListener('notificationclick', (event) => {
  event.waitUntil(openPageOf(event.notification))
})
