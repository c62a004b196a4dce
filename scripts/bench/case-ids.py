"""Print the ids of every open case of a type, paging through the API (scripts/bench-load).

Closed cases are left out: an action on one is refused (422 `final_state`), which is
right, but it is not what the bench measures."""
import json
import sys
import urllib.request

base, cookie, case_type = sys.argv[1], sys.argv[2], sys.argv[3]
page = 1
while True:
    req = urllib.request.Request(
        f"{base}/api/v1/cases?case_type={case_type}&open=true&per_page=500&page={page}&sort=oldest",
        headers={"Cookie": cookie},
    )
    body = json.load(urllib.request.urlopen(req))
    items = body.get("items", [])
    for c in items:
        print(c["id"])
    if len(items) < 500:
        break
    page += 1
