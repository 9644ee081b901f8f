/// <reference types="vite/client" />

import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title shown in the top bar and the document title. */
    titleKey?: string
    /** Only for a logged-in user; others are sent to /login?next=... */
    requiresAuth?: boolean
    /** Only for a user who may review join applications (non-empty can_review). */
    requiresReviewer?: boolean
    /** A full-height page (a conversation, with its own composer): no bottom tab bar. */
    hideTabbar?: boolean
    /** Where the top bar's back arrow leads (pages below another page). */
    back?: string
    /**
     * A page the person came to work on (reviewing, the console, writing): after one pop-up
     * there, the next waits in a dismissible banner instead of blocking the page.
     */
    workPage?: boolean
    /** Pop-ups that never show on this page (logging in, joining, checking in). */
    hideNotices?: ('urgent' | 'callout')[]
  }
}

declare global {
  interface ImportMetaEnv {
    /** `msgpack` to speak MessagePack on /ws/ instead of JSON. */
    readonly VITE_REALTIME_CODEC?: string
  }
}
