// The application's timeline and messages worded from the codes the server writes
// (shared/timeline.js).
export default {
  common: { listSeparator: ', ', clauseSeparator: ', ' },
  review: { objectionDate: ' ({date})' },
  progress: {
    withReason: '{outcome}: {reason}',
    objectionCount: 'objections lodged ({n}): to the city for review',
    delayed: 'Department data are temporarily unavailable; the check is retried automatically.',
  },
  message: {
    submitted: { title: 'Application submitted', body: 'Your application No. {id} has been submitted and is being reviewed.' },
    resubmitted: { title: 'Corrections submitted', body: 'Your corrections to application No. {id} have been submitted and are being reviewed.' },
    accepted: { title: 'Your application moved on to the next step' },
    approved: { title: 'Your application moved on to the next step' },
    approved_publicity: { title: 'Approved: now in publicity' },
    approved_qualified: { title: 'Your household qualifies' },
    qualified: { title: 'Your household qualifies', body: 'The publicity period ended without objection: your household qualifies for public rental housing.' },
    correction: { title: 'Please correct your application' },
    refused: { title: 'Application refused' },
    delayed: { title: 'Department checks delayed', body: 'Department data are temporarily unavailable; the check is retried automatically.' },
  },
}
