// Elder-friendly mode (适老模式, R33), shared by the resident app and the staff
// console. The switch is the reactive `elder` ref: it is persisted as
// localStorage `gzf.elder` = "1" and reflected as class `elder` on <html>,
// which each app's theme uses for larger type, bigger targets and more contrast.
import { ref, watchEffect } from 'vue'
import { readSetting, writeSetting } from './storage.js'

const STORAGE_KEY = 'gzf.elder'

/** True while elder mode is on; assign to switch it (persists immediately). */
export const elder = ref(readSetting(STORAGE_KEY) === '1')

watchEffect(() => {
  document.documentElement.classList.toggle('elder', elder.value)
  writeSetting(STORAGE_KEY, elder.value ? '1' : null)
})
