# forms: English

comment = Comment
submit-action = Submit: { $action }
form-has-errors = Correct the marked fields and submit again; everything you typed is kept.
form-missing = This action's form could not be loaded; you can still submit with a comment.
form-row = Row { $n }
form-row-hint = Leave a row empty to remove it.
form-add-row = Add a row
form-items-between = { $min } to { $max } items.
form-items-min = At least { $min } items.
form-items-max = At most { $max } items.
form-visible-when = Only when “{ $field }” is { $values }
form-visible-unless = Only when “{ $field }” is not { $values }
file-current = Attached:
file-replace = Choose another file to replace it.
conflict-title = Someone else changed this case
conflict-body = You opened version { $yours }; it is now version { $current }. Here is what changed meanwhile; your input is kept.
conflict-resubmit = Check it and submit again to apply it to the latest version.
conflict-closed = This action is no longer open in the case's current state.
file-too-large = This file is larger than the { $limit } the server accepts; choose a smaller one.
