# forms: 中文（简体）

comment = 办理意见
submit-action = 提交：{ $action }
form-has-errors = 请修改标出的内容后再提交，已填写的内容均已保留。
form-missing = 该操作的表单暂时无法加载，可只填写办理意见提交。
form-row = 第 { $n } 行
form-row-hint = 整行留空即删除该行。
form-add-row = 增加一行
form-items-between = 需填写 { $min } 至 { $max } 项。
form-items-min = 至少填写 { $min } 项。
form-items-max = 最多填写 { $max } 项。
form-visible-when = 仅当「{ $field }」为 { $values } 时填写
form-visible-unless = 仅当「{ $field }」不为 { $values } 时填写
file-current = 已上传：
file-replace = 如需更换，请重新选择文件。
conflict-title = 案件已被他人修改
conflict-body = 您打开时是第 { $yours } 版，现在是第 { $current } 版。以下是期间的变化；您填写的内容已保留。
conflict-resubmit = 核对无误后可再次提交，将在最新版本上办理。
conflict-closed = 案件当前状态下已不能执行此操作。
file-too-large = 文件超过服务器允许的 { $limit }，请选择较小的文件。
