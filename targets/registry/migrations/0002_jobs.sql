-- The registry's view of its async jobs. graphile-worker (schema graphile_worker) queues, locks
-- and dispatches; these tables hold what the API reports and what a test can audit: each job's
-- outcome, and every execution attempt with the worker that ran it.

CREATE TABLE jobs (
  id          bigserial PRIMARY KEY,
  batch_id    uuid NOT NULL,
  task        text NOT NULL CHECK (task IN ('dedup', 'score', 'idgen')),
  record_type text NOT NULL CHECK (record_type IN ('household', 'farmer')),
  record_id   uuid NOT NULL,
  status      text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
  -- Which graphile-worker job currently carries this one; bumped on every retry, so a stale
  -- delivery (its worker died after we recorded the outcome) is recognised and ignored.
  delivery    integer NOT NULL DEFAULT 1,
  attempts    integer NOT NULL DEFAULT 0,
  failures    integer NOT NULL DEFAULT 0,
  max_retries integer NOT NULL DEFAULT 5,
  last_error  text,
  result      jsonb,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  finished_at timestamptz
);
CREATE INDEX jobs_batch ON jobs (batch_id, status);
CREATE INDEX jobs_task_status ON jobs (task, status);

CREATE TABLE job_attempts (
  job_id      bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt     integer NOT NULL,
  worker_id   text NOT NULL,
  pid         integer NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz,
  outcome     text CHECK (outcome IN ('COMPLETED', 'ERROR', 'FENCED')),
  error       text,
  PRIMARY KEY (job_id, attempt)
);

-- Live job worker processes. Each holds a session advisory lock on (lock_class, lock_key) for its
-- whole life; PostgreSQL drops it the moment the process's connection dies, so a worker that can
-- take the lock knows the owner is gone and releases the graphile-worker jobs its pool had locked.
CREATE SEQUENCE job_worker_lock_key;
CREATE TABLE job_workers (
  worker_id  text PRIMARY KEY,
  lock_key   integer NOT NULL UNIQUE,
  pool_id    text,
  pid        integer NOT NULL,
  host       text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
