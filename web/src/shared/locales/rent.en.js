// Texts of rent: the city's rent rules and the tenant ledger's refusals (docs/design/rent.md).
export default {
  error: {
    amount_invalid: 'The amount must be a whole number of fen greater than zero.',
    amount_too_large: 'The amount is larger than any single bill or payment may be.',
    total_too_large: 'The account would exceed the largest total it may hold.',
    too_many_bills: 'This tenancy has more bills than can be kept in one account.',
    no_such_bill: 'This bill is not in the tenancy\'s account.',
    waiver_exceeds_outstanding: 'The waiver is larger than what is still owed on the bill.',
    refund_exceeds_paid: 'The refund is larger than what was paid.',
    no_rule_in_force: 'No rent rule is in force for that month.',
    too_many: 'There are too many entries in the rent rules.',
    basis_required: 'A late fee needs the legal basis shown to the tenant.',
    not_increasing: 'Rule versions must start on later and later dates.',
    rewrites_billed_month: 'This change would alter the rent of a month already billed. Start it from the next month to be billed.',
  },
}
