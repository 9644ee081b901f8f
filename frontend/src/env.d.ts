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
  }
}

declare global {
  interface ImportMetaEnv {
    /** `msgpack` to speak MessagePack on /ws/ instead of JSON. */
    readonly VITE_REALTIME_CODEC?: string
  }
}
