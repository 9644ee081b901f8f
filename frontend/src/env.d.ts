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
  }
}
