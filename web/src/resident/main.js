// Entry of the resident app (mobile first, Vant).
import { createApp } from 'vue'
import '../shared/elder.js' // applies the saved elder mode before the first render
import { syncDocumentTitle } from '../shared/title.js'
import { activateWithKeys } from './keyboard.js'
import vant from './vant.js'
import '../shared/base.css'
import './theme.css'
import './forms.css'
import App from './App.vue'
import { router } from './router.js'

syncDocumentTitle(router, 'app.resident')
activateWithKeys(document)
createApp(App).use(vant).use(router).mount('#app')
