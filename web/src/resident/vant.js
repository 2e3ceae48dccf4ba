// The Vant components the resident app uses, registered globally with only
// their own styles, and Vant's built-in texts kept in the app's language.
import { watchEffect } from 'vue'
import {
  Button,
  Cell,
  CellGroup,
  Checkbox,
  CheckboxGroup,
  Empty,
  Field,
  Form,
  Grid,
  GridItem,
  Icon,
  Locale,
  NavBar,
  Radio,
  RadioGroup,
  Search,
  Step,
  Steps,
  Switch,
  Tag,
  Tabbar,
  TabbarItem,
} from 'vant'
import vantEnUS from 'vant/es/locale/lang/en-US'
import vantZhCN from 'vant/es/locale/lang/zh-CN'
import 'vant/es/button/style/index'
import 'vant/es/cell/style/index'
import 'vant/es/cell-group/style/index'
import 'vant/es/checkbox/style/index'
import 'vant/es/checkbox-group/style/index'
import 'vant/es/empty/style/index'
import 'vant/es/field/style/index'
import 'vant/es/form/style/index'
import 'vant/es/grid/style/index'
import 'vant/es/grid-item/style/index'
import 'vant/es/icon/style/index'
import 'vant/es/nav-bar/style/index'
import 'vant/es/radio/style/index'
import 'vant/es/radio-group/style/index'
import 'vant/es/search/style/index'
import 'vant/es/step/style/index'
import 'vant/es/steps/style/index'
import 'vant/es/switch/style/index'
import 'vant/es/tag/style/index'
import 'vant/es/tabbar/style/index'
import 'vant/es/tabbar-item/style/index'
import { locale } from '../shared/i18n.js'

const components = [
  Button, Cell, CellGroup, Checkbox, CheckboxGroup, Empty, Field, Form, Grid, GridItem, Icon,
  NavBar, Radio, RadioGroup, Search, Step, Steps, Switch, Tabbar, TabbarItem, Tag,
]

/** Vue plugin: app.use(vant) registers the components and follows `locale`. */
export default {
  install(app) {
    for (const component of components) app.use(component)
    watchEffect(() => {
      if (locale.value === 'en') Locale.use('en-US', vantEnUS)
      else Locale.use('zh-CN', vantZhCN)
    })
  },
}
