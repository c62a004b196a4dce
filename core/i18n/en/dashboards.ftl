# dashboards: English

dashboards-title = Dashboards
dash-open = Open
dash-overdue = Overdue
dash-closed = Closed
dash-on-time = On time
dash-by-state = { $type }: cases by state
dash-n-overdue = { $n } ({ $late } overdue)
dash-quota = Sampling plan progress
dash-hazards = Open hazards by area
dash-due-week = Due this week
dash-no-data = No cases in this programme yet.
