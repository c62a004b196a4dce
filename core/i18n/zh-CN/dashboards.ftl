# dashboards: 中文（简体）

dashboards-title = 统计
dash-open = 办理中
dash-overdue = 逾期
dash-closed = 已办结
dash-on-time = 按时完成率
dash-by-state = { $type }：各状态案件数
dash-n-overdue = { $n }（逾期 { $late }）
dash-quota = 抽检计划完成进度
dash-hazards = 未整改隐患（按整治重点）
dash-due-week = 本周到期
dash-no-data = 该项目还没有案件。
