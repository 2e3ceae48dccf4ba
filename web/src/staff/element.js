// The Element Plus components the staff console uses, registered globally
// with only their own styles, and Element Plus's built-in texts kept in the
// console's language (pass `elementLocale` to <el-config-provider>).
import { computed } from 'vue'
import {
  ElAlert,
  ElButton,
  ElCard,
  ElCheckbox,
  ElConfigProvider,
  ElContainer,
  ElDatePicker,
  ElDialog,
  ElEmpty,
  ElForm,
  ElInput,
  ElInputNumber,
  ElMenu,
  ElPagination,
  ElRadio,
  ElSelect,
  ElSwitch,
  ElTable,
  ElTabs,
  ElTag,
  ElTree,
} from 'element-plus'
import elementEn from 'element-plus/es/locale/lang/en'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/es/components/alert/style/css'
import 'element-plus/es/components/aside/style/css'
import 'element-plus/es/components/button/style/css'
import 'element-plus/es/components/date-picker/style/css'
import 'element-plus/es/components/dialog/style/css'
import 'element-plus/es/components/form/style/css'
import 'element-plus/es/components/form-item/style/css'
import 'element-plus/es/components/input/style/css'
import 'element-plus/es/components/input-number/style/css'
import 'element-plus/es/components/option/style/css'
import 'element-plus/es/components/select/style/css'
import 'element-plus/es/components/tab-pane/style/css'
import 'element-plus/es/components/tabs/style/css'
import 'element-plus/es/components/tag/style/css'
import 'element-plus/es/components/tree/style/css'
import 'element-plus/es/components/card/style/css'
import 'element-plus/es/components/checkbox/style/css'
import 'element-plus/es/components/config-provider/style/css'
import 'element-plus/es/components/container/style/css'
import 'element-plus/es/components/empty/style/css'
import 'element-plus/es/components/header/style/css'
import 'element-plus/es/components/main/style/css'
import 'element-plus/es/components/menu/style/css'
import 'element-plus/es/components/menu-item/style/css'
import 'element-plus/es/components/pagination/style/css'
import 'element-plus/es/components/radio-button/style/css'
import 'element-plus/es/components/radio-group/style/css'
import 'element-plus/es/components/switch/style/css'
import 'element-plus/es/components/table/style/css'
import 'element-plus/es/components/table-column/style/css'
import { locale } from '../shared/i18n.js'

// Installing a component also installs its parts: ElContainer brings
// el-header, el-aside and el-main; ElMenu el-menu-item; ElRadio
// el-radio-group and el-radio-button; ElTable el-table-column; ElForm
// el-form-item; ElSelect el-option; ElTabs el-tab-pane.
const components = [
  ElAlert, ElButton, ElCard, ElCheckbox, ElConfigProvider, ElContainer, ElDatePicker, ElDialog,
  ElEmpty, ElForm, ElInput, ElInputNumber, ElMenu, ElPagination, ElRadio, ElSelect, ElSwitch, ElTable, ElTabs,
  ElTag, ElTree,
]

/** Element Plus's locale object for the current `locale`. */
export const elementLocale = computed(() => (locale.value === 'en' ? elementEn : elementZhCn))

/** Vue plugin: app.use(element) registers the components. */
export default {
  install(app) {
    for (const component of components) app.use(component)
  },
}
