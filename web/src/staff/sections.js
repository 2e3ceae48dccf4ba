// The staff console's top-level sections, in sidebar order. Each id is a
// route (/staff/#/<id>) and the i18n key section.<id>.{name,hint}.
export const SECTION_IDS = [
  'dashboard',
  'acceptance',
  'review',
  'housing',
  'allocation',
  'leases',
  'rent',
  'subsidies',
  'tickets',
  'content',
  'statistics',
  'system',
]
