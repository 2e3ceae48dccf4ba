// Resident app routes (history mode under /; the server answers unknown
// non-file paths with index.html). Routes with meta.tab show the tab bar;
// meta.title is the i18n key of the page title.
import { createRouter, createWebHistory } from 'vue-router'
import { SERVICE_IDS } from './services.js'
import HomeView from './views/HomeView.vue'
import ListingsView from './views/ListingsView.vue'
import ListingDetailView from './views/ListingDetailView.vue'
import ServicesView from './views/ServicesView.vue'
import MeView from './views/MeView.vue'
import ComingSoonView from './views/ComingSoonView.vue'
import LoginView from './views/LoginView.vue'
import RegisterView from './views/RegisterView.vue'
import ResetPasswordView from './views/ResetPasswordView.vue'
import RealNameView from './views/RealNameView.vue'
import ApplyView from './views/ApplyView.vue'
import ProgressView from './views/ProgressView.vue'
import ArticleView from './views/ArticleView.vue'
import ContentListView from './views/ContentListView.vue'
import SearchView from './views/SearchView.vue'
import NotFoundView from './views/NotFoundView.vue'

// Loaded when first opened.
const PublicityView = () => import('./views/PublicityView.vue')
const QueueView = () => import('./views/QueueView.vue')
const BillsView = () => import('./views/BillsView.vue')
const SelectionView = () => import('./views/SelectionView.vue')
const LeaseView = () => import('./views/LeaseView.vue')
const MoveInView = () => import('./views/MoveInView.vue')
const LotteryView = () => import('./views/LotteryView.vue')
const PayView = () => import('./views/pay/PayView.vue')
const ReceiptsView = () => import('./views/pay/ReceiptsView.vue')
const ReceiptCheckView = () => import('./views/pay/ReceiptCheckView.vue')
const SubsidyView = () => import('./views/SubsidyView.vue')

/** The four tabs of the bottom bar, in order. */
export const TABS = [
  { to: '/', label: 'tab.home', icon: 'wap-home-o' },
  { to: '/listings', label: 'tab.listings', icon: 'hotel-o' },
  { to: '/services', label: 'tab.services', icon: 'apps-o' },
  { to: '/me', label: 'tab.me', icon: 'user-o' },
]

const routes = [
  { path: '/', component: HomeView, meta: { tab: true } },
  { path: '/listings', component: ListingsView, meta: { tab: true, title: 'tab.listings' } },
  { path: '/listings/:id(\\d+)', component: ListingDetailView, meta: { title: 'listings.detailTitle' } },
  { path: '/services', component: ServicesView, meta: { tab: true, title: 'tab.services' } },
  { path: '/me', component: MeView, meta: { tab: true, title: 'tab.me' } },
  { path: '/services/apply', component: ApplyView, meta: { title: 'apply.title' } },
  { path: '/services/progress', component: ProgressView, meta: { title: 'action.progress.name' } },
  { path: '/services/publicity', component: PublicityView, meta: { title: 'publicity.title' } },
  { path: '/services/queue', component: QueueView, meta: { title: 'action.queue.name' } },
  { path: '/services/bills', component: BillsView, meta: { title: 'action.bills.name' } },
  { path: '/services/bills/:id(\\d+)', component: BillsView, meta: { title: 'action.bills.name' } },
  { path: '/services/subsidy', component: SubsidyView, meta: { title: 'action.subsidy.name' } },
  { path: '/services/selection', component: SelectionView, meta: { title: 'action.selection.name' } },
  { path: '/services/lease', component: LeaseView, meta: { title: 'action.lease.name' } },
  { path: '/services/lease/move-in', component: MoveInView, meta: { title: 'lease.moveIn' } },
  { path: '/services/lottery/:id(\\d+)', component: LotteryView, props: true, meta: { title: 'lottery.verifyTitle' } },
  { path: '/services/guide', redirect: '/content/guide' },
  { path: '/services/policy', redirect: '/content/policy' },
  { path: '/services/faq', redirect: '/content/faq' },
  { path: '/services/manual', redirect: '/content/manual' },
  { path: '/content/:kind(news|policy|guide|faq|manual)', component: ContentListView, meta: { title: 'content.title' } },
  { path: '/articles/:id(\\d+)', component: ArticleView, meta: { title: 'content.article' } },
  { path: '/search', component: SearchView, meta: { title: 'content.search' } },
  { path: '/services/bills/:id(\\d+)/pay', component: PayView, meta: { title: 'pay.title' } },
  { path: '/services/receipts', component: ReceiptsView, meta: { title: 'pay.receipts' } },
  { path: '/receipt/:code', component: ReceiptCheckView, props: true, meta: { title: 'receipt.title' } },
  {
    path: `/services/:id(${SERVICE_IDS.join('|')})`,
    component: ComingSoonView,
    props: (route) => ({ nameKey: `action.${route.params.id}.name` }),
    meta: { title: 'soon.title' },
  },
  { path: '/login', component: LoginView, meta: { title: 'auth.loginTitle' } },
  { path: '/register', component: RegisterView, meta: { title: 'auth.registerTitle' } },
  { path: '/forgot-password', component: ResetPasswordView, meta: { title: 'auth.resetTitle' } },
  { path: '/real-name', component: RealNameView, meta: { title: 'auth.realNameTitle' } },
  { path: '/:pathMatch(.*)*', component: NotFoundView, meta: { title: 'notFound.title' } },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: (to, from, saved) => saved ?? { top: 0 },
})
