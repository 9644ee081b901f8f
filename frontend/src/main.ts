import { createApp } from 'vue'
import { createPinia } from 'pinia'
// Noto Sans SC from the bundle, split by Unicode range: a phone without a Chinese font (a bare
// Linux browser) loads only the pieces a page uses; one with its own never loads it.
import '@fontsource-variable/noto-sans-sc/wght.css'
import './vant-styles'
import './style.css'
import App from './App.vue'
import { initCsrf, onUnauthorized } from './api'
import { i18n, restoreLocale } from './i18n'
import { getRealtime } from './realtime'
import { registerServiceWorker } from './notifications/push'
import { reportVisibility } from './notifications/visibility'
import { createAppRouter } from './router'
import { useSessionStore } from './stores/session'

restoreLocale()

const pinia = createPinia()
const router = createAppRouter()

// The session ended on the server (expired, logged out elsewhere): back to the login page.
function sessionLost() {
  useSessionStore(pinia).clear()
  const current = router.currentRoute.value
  if (current.meta.requiresAuth) void router.replace({ name: 'login', query: { next: current.fullPath } })
}
onUnauthorized(sessionLost)
// The live connection was refused (close 4401): log in again, unless the session is in fact
// fine (then the chat stays offline and offers to reconnect).
getRealtime().onUnauthorized(() => {
  useSessionStore(pinia)
    .refresh()
    .then((me) => me || sessionLost())
    .catch(() => undefined)
})

// A failure here is not fatal: the first write fetches a token again.
initCsrf().catch(() => undefined)

// The page in view or not: the server pushes nothing for what an open page shows.
reportVisibility(getRealtime())
// The offline shell and pushes (where the browser has service workers).
void registerServiceWorker()

createApp(App).use(pinia).use(router).use(i18n).mount('#app')
