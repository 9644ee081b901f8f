import { createRouter, createWebHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router'
import { useSessionStore } from './stores/session'
import HomeView from './views/HomeView.vue'
import LoginView from './views/LoginView.vue'
import JoinView from './views/JoinView.vue'
import ApplicationsView from './views/ApplicationsView.vue'
import ReviewView from './views/ReviewView.vue'
import NotFoundView from './views/NotFoundView.vue'

// Logging in, resetting a password and joining: no pop-up of any kind.
const QUIET: ('urgent' | 'callout')[] = ['urgent', 'callout']

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView, meta: { titleKey: 'home.title', requiresAuth: true } },
  { path: '/login', name: 'login', component: LoginView, meta: { titleKey: 'login.title', hideNotices: QUIET } },
  {
    path: '/password-reset',
    name: 'password-reset',
    component: () => import('./views/PasswordResetView.vue'),
    meta: { titleKey: 'reset.title', back: '/login', hideNotices: QUIET },
  },
  { path: '/join/:code', name: 'join', component: JoinView, meta: { titleKey: 'join.title', hideNotices: QUIET } },
  {
    path: '/applications',
    name: 'applications',
    component: ApplicationsView,
    meta: { titleKey: 'applications.title', requiresAuth: true },
  },
  {
    path: '/review',
    name: 'review',
    component: ReviewView,
    meta: { titleKey: 'review.title', requiresAuth: true, requiresReviewer: true, workPage: true },
  },
  {
    // Chat pages share the "/chat" record, so the Chat tab stays lit on each of them.
    path: '/chat',
    meta: { requiresAuth: true },
    children: [
      { path: '', name: 'chat', component: () => import('./views/ChatListView.vue'), meta: { titleKey: 'chat.title' } },
      {
        path: 'neighbours',
        name: 'neighbours',
        component: () => import('./views/NeighboursView.vue'),
        meta: { titleKey: 'neighbours.title', back: '/chat' },
      },
      { path: 'topics', name: 'topics', component: () => import('./views/TopicsView.vue'), meta: { titleKey: 'topics.title', back: '/chat' } },
      {
        path: ':id(\\d+)',
        name: 'conversation',
        component: () => import('./views/ConversationView.vue'),
        meta: { titleKey: 'chat.title', hideTabbar: true, back: '/chat' },
      },
    ],
  },
  {
    // Board pages share the "/boards" record, so the Community tab stays lit on each of them.
    path: '/boards',
    meta: { requiresAuth: true },
    children: [
      { path: '', name: 'boards', component: () => import('./views/boards/BoardsView.vue'), meta: { titleKey: 'boards.title' } },
      {
        path: 'review',
        name: 'board-review',
        component: () => import('./views/boards/BoardReviewView.vue'),
        meta: { titleKey: 'boards.review.title', back: '/boards', workPage: true },
      },
      {
        path: 'posts/:id(\\d+)',
        name: 'board-post',
        component: () => import('./views/boards/PostView.vue'),
        meta: { titleKey: 'boards.post.title', hideTabbar: true, back: '/boards' },
      },
      {
        path: 'posts/:id(\\d+)/edit',
        name: 'board-post-edit',
        component: () => import('./views/boards/ComposeView.vue'),
        meta: { titleKey: 'boards.compose.editTitle', hideTabbar: true, back: '/boards', workPage: true },
      },
      {
        path: ':boardId(\\d+)/new',
        name: 'board-compose',
        component: () => import('./views/boards/ComposeView.vue'),
        meta: { titleKey: 'boards.compose.title', hideTabbar: true, back: '/boards', workPage: true },
      },
    ],
  },
  {
    // Things nearby (身边事) share the "/cases" record, so their tab stays lit on each page.
    path: '/cases',
    meta: { requiresAuth: true },
    children: [
      { path: '', name: 'cases', component: () => import('./views/cases/CasesView.vue'), meta: { titleKey: 'cases.title' } },
      {
        path: 'new',
        name: 'case-new',
        component: () => import('./views/cases/RaiseView.vue'),
        meta: { titleKey: 'cases.raise.title', hideTabbar: true, back: '/cases', workPage: true },
      },
      {
        path: 'queue',
        name: 'case-queue',
        component: () => import('./views/cases/QueueView.vue'),
        meta: { titleKey: 'cases.queue.title', back: '/cases', workPage: true },
      },
      {
        path: 'supervise',
        name: 'case-supervise',
        component: () => import('./views/cases/SuperviseView.vue'),
        meta: { titleKey: 'cases.supervise.title', back: '/cases', workPage: true },
      },
      {
        path: ':id(\\d+)',
        name: 'case',
        component: () => import('./views/cases/CaseView.vue'),
        meta: { titleKey: 'cases.detail.title', back: '/cases', workPage: true },
      },
    ],
  },
  {
    path: '/settings/notifications',
    name: 'notification-settings',
    component: () => import('./views/NotificationSettingsView.vue'),
    meta: { titleKey: 'notifications.title', requiresAuth: true, back: '/' },
  },
  {
    path: '/letters',
    meta: { requiresAuth: true },
    children: [
      { path: '', name: 'letters', component: () => import('./views/LettersView.vue'), meta: { titleKey: 'letters.title', back: '/chat' } },
      {
        path: 'new',
        name: 'letter-new',
        component: () => import('./views/LetterComposeView.vue'),
        meta: { titleKey: 'letters.composeTitle', back: '/letters', workPage: true },
      },
      {
        path: ':id(\\d+)',
        name: 'letter',
        component: () => import('./views/LetterView.vue'),
        meta: { titleKey: 'letters.letterTitle', back: '/letters' },
      },
    ],
  },
  {
    path: '/party',
    name: 'party',
    component: () => import('./views/party/PartyView.vue'),
    meta: { titleKey: 'party.title', requiresAuth: true, back: '/' },
  },
  {
    // Volunteering pages share the "/volunteer" record. The check-in page is what the
    // organiser's QR code opens: a visitor logs in first and comes back to it.
    path: '/volunteer',
    meta: { requiresAuth: true },
    children: [
      {
        path: '',
        name: 'volunteer',
        component: () => import('./views/volunteer/CalloutsView.vue'),
        meta: { titleKey: 'volunteer.title', back: '/' },
      },
      {
        path: 'new',
        name: 'volunteer-new',
        component: () => import('./views/volunteer/CalloutComposeView.vue'),
        meta: { titleKey: 'volunteer.compose.pageTitle', hideTabbar: true, back: '/volunteer', workPage: true },
      },
      {
        path: 'me',
        name: 'volunteer-history',
        component: () => import('./views/volunteer/HistoryView.vue'),
        meta: { titleKey: 'volunteer.history.title', back: '/volunteer' },
      },
      {
        path: 'callouts/:id(\\d+)',
        name: 'volunteer-callout',
        component: () => import('./views/volunteer/CalloutView.vue'),
        meta: { titleKey: 'volunteer.detail.title', back: '/volunteer' },
      },
      {
        path: 'callouts/:id(\\d+)/checkin',
        name: 'volunteer-checkin',
        component: () => import('./views/volunteer/CheckinView.vue'),
        meta: { titleKey: 'volunteer.checkin.title', back: '/volunteer', hideNotices: ['callout'] },
      },
      {
        path: 'callouts/:id(\\d+)/thanks',
        name: 'volunteer-thanks',
        component: () => import('./views/volunteer/ThanksView.vue'),
        meta: { titleKey: 'volunteer.thanks.pageTitle', hideTabbar: true, back: '/volunteer' },
      },
    ],
  },
  {
    path: '/console',
    name: 'console',
    component: () => import('./views/console/ConsoleView.vue'),
    meta: { titleKey: 'console.title', requiresAuth: true, back: '/', workPage: true },
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundView, meta: { titleKey: 'notFound.title' } },
]

/** A `next` query value that stays inside this app (no //host or scheme tricks). */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')
    ? value
    : '/'
}

export function createAppRouter(history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({ history, routes, scrollBehavior: () => ({ top: 0 }) })

  router.beforeEach(async (to) => {
    const session = useSessionStore()
    if (to.name === 'login') {
      const user = await session.load().catch(() => null)
      return user ? safeNext(to.query.next) : true
    }
    if (!to.meta.requiresAuth) return true
    const user = await session.load().catch(() => null)
    if (!user) return { name: 'login', query: { next: to.fullPath } }
    if (to.meta.requiresReviewer && !session.canReview) return { name: 'home' }
    return true
  })

  return router
}
