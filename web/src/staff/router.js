// Staff console routes, hash mode under /staff/ (/staff/#/<section>), so the
// server only ever serves /staff/index.html. Unknown paths go to the dashboard.
import { createRouter, createWebHashHistory } from 'vue-router'
import { SECTION_IDS } from './sections.js'
import SectionView from './views/SectionView.vue'

// The larger sections load when first opened.
const HousingView = () => import('./views/HousingView.vue')
const SystemView = () => import('./views/SystemView.vue')
const WorklistView = () => import('./views/WorklistView.vue')
const ApplicationView = () => import('./views/ApplicationView.vue')
const CounterView = () => import('./views/CounterView.vue')
const ReportView = () => import('./views/ReportView.vue')
const ContentView = () => import('./views/ContentView.vue')
const QueueView = () => import('./views/QueueView.vue')
const DashboardView = () => import('./views/DashboardView.vue')
const RoundsView = () => import('./views/RoundsView.vue')
const RoundView = () => import('./views/RoundView.vue')
const DrawScreenView = () => import('./views/DrawScreenView.vue')
const SelectionView = () => import('./views/SelectionView.vue')
const ReconView = () => import('./views/ReconView.vue')
const ReconRunView = () => import('./views/ReconRunView.vue')
const RentView = () => import('./views/RentView.vue')
const PaymentsView = () => import('./views/PaymentsView.vue')
const SubsidyView = () => import('./views/SubsidyView.vue')
const LeasesView = () => import('./views/LeasesView.vue')

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/dashboard', component: DashboardView, meta: { title: () => 'section.dashboard.name' } },
    { path: '/housing', component: HousingView, meta: { title: () => 'section.housing.name' } },
    { path: '/system', component: SystemView, meta: { title: () => 'section.system.name' } },
    { path: '/acceptance/counter', component: CounterView, meta: { title: () => 'counter.title' } },
    {
      path: '/:section(acceptance|review)',
      component: WorklistView,
      props: true,
      meta: { title: (route) => `section.${route.params.section}.name` },
    },
    { path: '/applications/:id(\\d+)', component: ApplicationView, meta: { title: () => 'review.title' } },
    { path: '/statistics', component: ReportView, meta: { title: () => 'section.statistics.name' } },
    { path: '/content', component: ContentView, meta: { title: () => 'section.content.name' } },
    { path: '/allocation', component: QueueView, meta: { title: () => 'section.allocation.name' } },
    { path: '/rounds', component: RoundsView, meta: { title: () => 'section.rounds.name' } },
    { path: '/rounds/:id(\\d+)', component: RoundView, props: true, meta: { title: () => 'section.rounds.name' } },
    { path: '/payments', component: PaymentsView, meta: { title: () => 'section.payments.name' } },
    { path: '/subsidies', component: SubsidyView, meta: { title: () => 'section.subsidies.name' } },
    { path: '/selection', component: SelectionView, meta: { title: () => 'section.selection.name' } },
    { path: '/recon', component: ReconView, meta: { title: () => 'section.recon.name' } },
    { path: '/recon/:id(\\d+)', component: ReconRunView, props: true, meta: { title: () => 'section.recon.name' } },
    { path: '/rent', component: RentView, meta: { title: () => 'section.rent.name' } },
    { path: '/leases', component: LeasesView, meta: { title: () => 'section.leases.name' } },
    { path: '/rounds/:id(\\d+)/screen', component: DrawScreenView, props: true, meta: { title: () => 'rounds.screen' } },
    {
      path: `/:section(${SECTION_IDS.join('|')})`,
      component: SectionView,
      props: true,
      meta: { title: (route) => `section.${route.params.section}.name` },
    },
    { path: '/:pathMatch(.*)*', redirect: `/${SECTION_IDS[0]}` },
  ],
})
