-- The main queries of issue 12 on PostgreSQL, as the store builds them, with the demo
-- users' places: `psql DATABASE_URL -f docs/perf-plans-postgres.sql` prints each plan
-- with its time (EXPLAIN ANALYZE runs the query).
-- inbox page, market lead (one query per (programme, role) place)
EXPLAIN (ANALYZE, COSTS OFF) SELECT case_id, overdue, next_due, created_at FROM case_tasks WHERE programme = 'sampling-disposal' AND role = 'bureau-lead' AND org_path >= '/qingcheng/anxian/' AND org_path < '/qingcheng/anxian0' ORDER BY overdue DESC, next_due IS NULL, next_due, created_at DESC, case_id LIMIT 200;
-- navigation counts, market lead
EXPLAIN (ANALYZE, COSTS OFF) SELECT programme, overdue, CAST(SUM(n) AS BIGINT) AS n FROM task_counts WHERE ((role='bureau-lead' AND org_path >= '/qingcheng/anxian/' AND org_path < '/qingcheng/anxian0' AND programme='sampling-disposal') OR (role='food-regulator' AND org_path >= '/qingcheng/anxian/' AND org_path < '/qingcheng/anxian0' AND programme='risk-monitoring')) GROUP BY programme, overdue;
-- case list, one place walked in due order, cases not overdue (market lead, sampling @ county)
EXPLAIN (ANALYZE, COSTS OFF) SELECT id, number, next_due, created_at, updated_at FROM cases WHERE programme = 'sampling-disposal' AND org_path LIKE '/qingcheng/anxian/%' AND overdue = false ORDER BY (next_due IS NULL), next_due, created_at DESC, id DESC LIMIT 50;
-- the same, overdue cases
EXPLAIN (ANALYZE, COSTS OFF) SELECT id, number, next_due, created_at, updated_at FROM cases WHERE programme = 'sampling-disposal' AND org_path LIKE '/qingcheng/anxian/%' AND overdue = true ORDER BY (next_due IS NULL), next_due, created_at DESC, id DESC LIMIT 50;
-- by number, in the C collation
EXPLAIN (ANALYZE, COSTS OFF) SELECT id, number, next_due, created_at, updated_at FROM cases WHERE programme = 'sampling-disposal' AND org_path LIKE '/qingcheng/anxian/%' ORDER BY number COLLATE "C", id LIMIT 50;
-- search 白酒 walked (market lead, sampling @ county, newest first)
EXPLAIN (ANALYZE, COSTS OFF) SELECT id, number, next_due, created_at, updated_at FROM (SELECT id, number, next_due, created_at, updated_at, search FROM cases WHERE programme = 'sampling-disposal' AND org_path LIKE '/qingcheng/anxian/%' ORDER BY created_at DESC, id DESC LIMIT 2000) AS passed WHERE search LIKE '%白酒%' ORDER BY created_at DESC, id DESC LIMIT 50;
-- a place where the word is rare, narrowed (白酒 among risk-monitoring @ county)
EXPLAIN (ANALYZE, COSTS OFF) SELECT id, number, next_due, created_at, updated_at FROM cases WHERE programme = 'risk-monitoring' AND org_path LIKE '/qingcheng/anxian/%' AND grams @> string_to_array('白酒', ' ') AND search LIKE '%白酒%' ORDER BY created_at DESC, id DESC LIMIT 50;
-- the UI's capped count of a word (inspector, 河西镇)
EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM (SELECT id FROM cases WHERE grams @> string_to_array('河西 西镇', ' ') AND search LIKE '%河西镇%' AND ((org_path LIKE '/qingcheng/anxian/anxian-amr/amr-chengguan/%' AND programme = 'sampling-disposal') OR (org_path LIKE '/qingcheng/anxian/chengguan/%' AND programme = 'sampling-disposal')) LIMIT 10001) AS capped;
-- dashboard counts (market lead)
EXPLAIN (ANALYZE, COSTS OFF) SELECT programme, case_type, state, overdue, CAST(SUM(n) AS BIGINT) FROM case_counts WHERE ((org_path >= '/qingcheng/anxian/' AND org_path < '/qingcheng/anxian0' AND programme='sampling-disposal') OR (org_path >= '/qingcheng/anxian/' AND org_path < '/qingcheng/anxian0' AND programme='risk-monitoring')) GROUP BY programme, case_type, state, overdue;
-- fire-safety dashboard: open hazards per category (fire lead)
EXPLAIN (ANALYZE, COSTS OFF) SELECT CAST((data::jsonb ->> 'category') AS TEXT) AS value, overdue, count(*) FROM cases WHERE programme = 'fire-safety-rectification' AND case_type = 'hazard' AND closed = false AND org_path LIKE '/qingcheng/anxian/%' GROUP BY 1, overdue;
-- unread notifications
EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM notifications WHERE user_id = (SELECT id FROM users WHERE username='market-lead') AND read_at IS NULL;
