// 由服务器写入的代码生成的申请进度与消息文字（shared/timeline.js）。
export default {
  common: { listSeparator: '、', clauseSeparator: '，' },
  review: { objectionDate: '（{date}）' },
  progress: {
    withReason: '{outcome}：{reason}',
    objectionCount: '收到异议 {n} 条，转市级复核',
    delayed: '部门数据暂不可用，稍后自动重试',
  },
  message: {
    submitted: { title: '申请已提交', body: '您的申请（编号{id}）已提交，正在审核。' },
    resubmitted: { title: '补正材料已提交', body: '您的申请（编号{id}）的补正材料已提交，正在审核。' },
    accepted: { title: '申请进入下一环节' },
    approved: { title: '申请进入下一环节' },
    approved_publicity: { title: '审批通过，进入公示' },
    approved_qualified: { title: '资格审核通过' },
    qualified: { title: '资格审核通过', body: '公示期满无异议，您已取得公租房保障资格。' },
    correction: { title: '请补正材料' },
    refused: { title: '申请未通过' },
    delayed: { title: '部门联审延迟', body: '部门数据暂不可用，稍后自动重试。' },
  },
}
