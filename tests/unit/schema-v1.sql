-- The schema daemonsim wrote as version 1 (PRAGMA user_version = 1), kept to
-- test the migration to version 2 (tests/unit/test_store.c).
CREATE TABLE run (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scenario TEXT NOT NULL,
  seed INTEGER NOT NULL,
  params TEXT NOT NULL CHECK (json_valid(params)),
  started_at TEXT NOT NULL,
  sim_seconds REAL,
  wall_seconds REAL,
  events INTEGER,
  expect_failures INTEGER,
  version TEXT NOT NULL
) STRICT;
CREATE TABLE ds_status (
  run_id INTEGER NOT NULL REFERENCES run(id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  t REAL NOT NULL,
  daemonset TEXT NOT NULL,
  desired INTEGER NOT NULL,
  current INTEGER NOT NULL,
  ready INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  available INTEGER NOT NULL,
  unavailable INTEGER NOT NULL,
  misscheduled INTEGER NOT NULL
) STRICT;
CREATE TABLE pod_event (
  run_id INTEGER NOT NULL REFERENCES run(id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  t REAL NOT NULL,
  daemonset TEXT NOT NULL,
  pod TEXT NOT NULL,
  node TEXT,
  revision INTEGER NOT NULL,
  phase TEXT NOT NULL
) STRICT;
CREATE TABLE node_event (
  run_id INTEGER NOT NULL REFERENCES run(id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  t REAL NOT NULL,
  node TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT
) STRICT;
CREATE TABLE rollout (
  run_id INTEGER NOT NULL REFERENCES run(id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  daemonset TEXT NOT NULL,
  revision INTEGER NOT NULL,
  started REAL NOT NULL,
  completed REAL,
  max_unavailable INTEGER NOT NULL,
  unavailable_pod_seconds REAL NOT NULL
) STRICT;
CREATE TABLE sweep (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scenario TEXT NOT NULL,
  seeds INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  params TEXT NOT NULL CHECK (json_valid(params))
) STRICT;
CREATE TABLE sweep_point (
  sweep_id INTEGER NOT NULL REFERENCES sweep(id) ON DELETE CASCADE,
  point INTEGER NOT NULL,
  params TEXT NOT NULL CHECK (json_valid(params)),
  n INTEGER NOT NULL,
  n_converged INTEGER NOT NULL,
  converge_mean REAL, converge_stddev REAL, converge_ci95 REAL,
  converge_p50 REAL, converge_p90 REAL, converge_p99 REAL,
  peak_unavailable_mean REAL, peak_unavailable_stddev REAL,
  peak_unavailable_ci95 REAL, peak_unavailable_p50 REAL,
  peak_unavailable_p90 REAL, peak_unavailable_p99 REAL,
  unavailable_pod_seconds_mean REAL, unavailable_pod_seconds_stddev REAL,
  unavailable_pod_seconds_ci95 REAL, unavailable_pod_seconds_p50 REAL,
  unavailable_pod_seconds_p90 REAL, unavailable_pod_seconds_p99 REAL,
  PRIMARY KEY (sweep_id, point)
) STRICT;
CREATE TABLE sweep_run (
  sweep_id INTEGER NOT NULL,
  point INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  run_id INTEGER NOT NULL REFERENCES run(id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (sweep_id, point, seed),
  FOREIGN KEY (sweep_id, point) REFERENCES sweep_point(sweep_id, point)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE VIEW rollout_summary AS
  SELECT r.run_id, run.scenario, run.seed, r.daemonset, r.revision,
         r.started, r.completed, r.completed - r.started AS time_to_converge,
         r.max_unavailable, r.unavailable_pod_seconds
  FROM rollout AS r JOIN run ON run.id = r.run_id;
PRAGMA user_version = 1;
