# main: English

app-name = anjuan case dossiers
app-footer = anjuan · case workflows for county programmes
skip-to-content = Skip to content
nav-label = Main navigation
nav-inbox = Inbox
nav-cases = Cases
nav-new = New case
nav-dashboards = Dashboards
nav-notifications = Notifications
nav-admin = Administration
nav-overdue = { $n } overdue
nav-overdue-title = Cases in your inbox that are past a deadline
nav-inbox-title = { $n } open cases wait for you
nav-unread-title = { $n } unread notifications
lang-switch = 中文
logout = Sign out
login-title = Sign in
login-intro = Sign in with the account your office gave you.
login-username = User name
login-password = Password
login-submit = Sign in
login-failed = The user name or password is wrong.
login-csrf = The sign-in form was out of date; please sign in again.
login-rate-limited = Too many attempts; try again in { $seconds } seconds.
yes = Yes
no = No
all = All
choose = Choose…
choose-user = Choose a person…
choose-unit = Choose a unit…
back = Back
cancel = Cancel
submit = Submit
required = (required)
sensitive = Personal data
masked = Hidden (not yours to see)
masked-keep = Hidden; leave blank to keep it
overdue = Overdue
closed = Closed
unread = Unread
print = Print
status = Status
error-title = Something went wrong
error-unauthenticated = Please sign in first.
error-forbidden = You are not allowed to do this.
error-csrf = The form has expired; reload the page and try again.
error-not-found = Not found, or not yours to see.
error-version-conflict = Someone else changed the case; reload and try again.
error-bad-request = The request is not valid.
error-method-not-allowed = This address does not take that kind of request.
error-unsupported-media-type = The form was sent in a format this page does not read.
error-too-large = The file or form is larger than this server accepts.
error-invalid = What was sent breaks the rules.
error-idempotency-key-reused = This action was already sent with different content.
error-rate-limited = Too many attempts; wait a little.
error-plugin-failed = The programme plugin failed; the case was not changed.
error-definition-mismatch = The case and its workflow disagree; tell an administrator.
error-database = The database failed; try again later.
error-internal = Internal error; tell an administrator.
notifications-title = Notifications
notifications-mark-read = Mark all read
notifications-none = No notifications.
inbox-title = My inbox
inbox-total = { $n } cases
inbox-empty = Nothing waiting for you. “Cases” lists every case of your units.
inbox-by-programme = By programme
inbox-overdue = Overdue
inbox-soon = Due within 3 days
inbox-later = Later
diagram-heading = Workflow
diagram-label = Workflow of { $title }
diagram-current = Current state
diagram-initial = Initial state
diagram-final = Final state
diagram-deadlines = Deadlines numbered in the diagram
diagram-deadline = { $title }: { $within } { $from }
diagram-deadline-conditional = (only when its condition holds)
diagram-deadline-on = { $title }: { $by }
diagram-within-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
diagram-within-natural-days = { $n ->
    [one] { $n } calendar day
   *[other] { $n } calendar days
}
diagram-within-working-days = { $n ->
    [one] { $n } working day
   *[other] { $n } working days
}
diagram-from-created = from the case's opening
diagram-from-entered = from entering the state
diagram-from-opened = from the action that opens it
diagram-from-field = from “{ $field }”
diagram-by-field = by the date in “{ $field }”
nav-sync = To send
nav-sync-title = Work filled in without a network, not yet sent to the server
sync-title = Waiting to be sent
sync-intro = Actions and new cases filled in without a network are kept on this device and queued in the order you filled them in; they are sent when the network returns (or press "Send now"). Each carries the case version you saw: a case that changed meanwhile is not overwritten, you review it and submit again or drop your entry. Work captured offline must be sent within { $days } days.
sync-now = Send now
sync-waiting = Queue
sync-empty = Nothing waits to be sent.
sync-noscript = Filling in and sending without a network needs JavaScript.
