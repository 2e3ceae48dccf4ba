// Catalogue of the resident services: shown on the home grid and the
// services list, each opening /services/<id>.
// `elder` marks the few that the simpler elder-mode home keeps; `home: false` those the
// home grid leaves out (the waiting list opens from the qualified application too).

/** Services that are carried out online. */
export const ONLINE_SERVICES = [
  { id: 'apply', icon: 'records-o', elder: true },
  { id: 'progress', icon: 'underway-o', elder: true },
  { id: 'queue', icon: 'clock-o', home: false },
  { id: 'selection', icon: 'home-o', home: false },
  { id: 'lease', icon: 'description', home: false },
  { id: 'bills', icon: 'gold-coin-o', elder: true },
  { id: 'subsidy', icon: 'cash-back-record-o' },
  { id: 'review', icon: 'calendar-o' },
  { id: 'feedback', icon: 'comment-o' },
  { id: 'repair', icon: 'setting-o', elder: true },
  { id: 'exit', icon: 'logistics' },
]

/** Information pages (guides and policies). */
export const INFO_SERVICES = [
  { id: 'publicity', icon: 'bullhorn-o' },
  { id: 'guide', icon: 'guide-o' },
  { id: 'policy', icon: 'description-o' },
  { id: 'faq', icon: 'question-o' },
  { id: 'manual', icon: 'notes-o' },
]

/** Every service id, for the router. */
export const SERVICE_IDS = [...ONLINE_SERVICES, ...INFO_SERVICES].map((service) => service.id)
