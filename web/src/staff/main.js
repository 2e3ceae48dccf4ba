// Entry of the staff console (desktop, Element Plus).
import { createApp } from 'vue'
import '../shared/elder.js' // applies the saved elder mode before the first render
import { syncDocumentTitle } from '../shared/title.js'
import element from './element.js'
import '../shared/base.css'
import './theme.css'
import App from './App.vue'
import { router } from './router.js'

syncDocumentTitle(router, 'app.staff')
createApp(App).use(element).use(router).mount('#app')
