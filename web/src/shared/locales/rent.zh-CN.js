// 租金的文字：城市的租金规则与租户台账的拒绝原因（docs/design/rent.md）。
export default {
  error: {
    amount_invalid: '金额须为大于零的整数（单位：分）。',
    amount_too_large: '金额超过单笔账单或缴费的上限。',
    total_too_large: '台账合计将超过可记录的上限。',
    too_many_bills: '该租约的账单数量已达台账上限。',
    no_such_bill: '该租约的台账中没有这张账单。',
    waiver_exceeds_outstanding: '减免金额超过该账单尚欠的金额。',
    refund_exceeds_paid: '退款金额超过已缴金额。',
    no_rule_in_force: '该月份没有生效的租金规则。',
    too_many: '租金规则中的条目过多。',
    basis_required: '设置滞纳金须写明向租户展示的法律依据。',
    not_increasing: '各版本规则的生效日期须依次递后。',
    rewrites_billed_month: '此修改会改变已出账月份的租金，请从下一个出账月份起生效。',
  },
}
