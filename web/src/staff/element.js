// The Element Plus components the staff console uses, registered globally
// with only their own styles, and Element Plus's built-in texts kept in the
// console's language (pass `elementLocale` to <el-config-provider>).
import { computed } from 'vue'
import {
  ElCard,
  ElConfigProvider,
  ElContainer,
  ElEmpty,
  ElMenu,
  ElRadio,
  ElSwitch,
  ElTable,
} from 'element-plus'
import elementEn from 'element-plus/es/locale/lang/en'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/es/components/aside/style/css'
import 'element-plus/es/components/card/style/css'
import 'element-plus/es/components/config-provider/style/css'
import 'element-plus/es/components/container/style/css'
import 'element-plus/es/components/empty/style/css'
import 'element-plus/es/components/header/style/css'
import 'element-plus/es/components/main/style/css'
import 'element-plus/es/components/menu/style/css'
import 'element-plus/es/components/menu-item/style/css'
import 'element-plus/es/components/radio-button/style/css'
import 'element-plus/es/components/radio-group/style/css'
import 'element-plus/es/components/switch/style/css'
import 'element-plus/es/components/table/style/css'
import 'element-plus/es/components/table-column/style/css'
import { locale } from '../shared/i18n.js'

// Installing a component also installs its parts: ElContainer brings
// el-header, el-aside and el-main; ElMenu el-menu-item; ElRadio
// el-radio-group and el-radio-button; ElTable el-table-column.
const components = [
  ElCard, ElConfigProvider, ElContainer, ElEmpty, ElMenu, ElRadio, ElSwitch, ElTable,
]

/** Element Plus's locale object for the current `locale`. */
export const elementLocale = computed(() => (locale.value === 'en' ? elementEn : elementZhCn))

/** Vue plugin: app.use(element) registers the components. */
export default {
  install(app) {
    for (const component of components) app.use(component)
  },
}
