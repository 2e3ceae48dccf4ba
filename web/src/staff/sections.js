// The staff console's top-level sections, in sidebar order. Each id is a
// route (/staff/#/<id>) and the i18n key section.<id>.{name,hint}.
export const SECTION_IDS = [
  'dashboard',
  'acceptance',
  'review',
  'housing',
  'allocation',
  'rounds',
  'selection',
  'leases',
  'rent',
  'payments',
  'recon',
  'subsidies',
  'tickets',
  'content',
  'statistics',
  'system',
]

// What a section is for, in terms of what GET /api/v1/me says the member may do
// (account.capabilities: authz actions allowed in their region; account.decides:
// the kinds of review step their role decides). A section none of whose needs
// the member has is hidden.
const NEEDS = {
  dashboard: () => true,
  acceptance: (a) => a.decides.includes('acceptance') || a.capabilities.includes('app_counter'),
  review: (a) => a.decides.some((k) => k === 'review' || k === 'publicity'),
  housing: (a) => a.capabilities.includes('housing_read'),
  allocation: (a) => a.capabilities.includes('housing_manage'),
  rounds: (a) => a.capabilities.includes('allocation_read'),
  selection: (a) => a.capabilities.includes('selection_read'),
  leases: (a) => a.capabilities.includes('lease_read'),
  rent: (a) => a.capabilities.includes('bill_read') || a.capabilities.includes('rent_rules'),
  payments: (a) => a.capabilities.includes('finance_read'),
  recon: (a) => a.capabilities.includes('finance_read'),
  subsidies: (a) => a.capabilities.includes('subsidy_manage'),
  tickets: (a) => a.capabilities.includes('ticket_handle'),
  content: (a) => a.capabilities.includes('content_edit'),
  statistics: (a) => a.capabilities.includes('report_read'),
  system: (a) => SYSTEM_TABS.some((tab) => a.capabilities.includes(tab.needs)),
}

// The tabs of the system section and the capability each needs.
export const SYSTEM_TABS = [
  { name: 'staff', needs: 'staff_list' },
  { name: 'regions', needs: 'region_create' },
  { name: 'audit', needs: 'audit_search' },
  { name: 'chain', needs: 'chain_edit' },
  { name: 'calendar', needs: 'calendar_edit' },
]

/** Whether the signed-in member (GET /api/v1/me's account) has a use for section id. */
export function sectionAllowed(id, account) {
  if (!account || account.kind !== 'staff') return false
  const a = { capabilities: account.capabilities ?? [], decides: account.decides ?? [] }
  return NEEDS[id]?.(a) ?? false
}

/** The sections the member has a use for, in sidebar order. */
export function sectionsFor(account) {
  return SECTION_IDS.filter((id) => sectionAllowed(id, account))
}
