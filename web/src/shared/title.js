// Keeps document.title in step with the current route and language.
import { watchEffect } from 'vue'
import { t } from './i18n.js'

/**
 * Sets document.title to "<page> - <app>" and updates it on every navigation
 * or language change. The page title is the i18n key in the route's
 * `meta.title`, or returned by it when it is a function of the route; a route
 * without one gets just "<app>". `appKey` is the i18n key of the app name.
 */
export function syncDocumentTitle(router, appKey) {
  watchEffect(() => {
    const route = router.currentRoute.value
    const { title } = route.meta
    const page = typeof title === 'function' ? title(route) : title
    document.title = page ? `${t(page)} - ${t(appKey)}` : t(appKey)
  })
}
