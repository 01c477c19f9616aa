-- Bucket4j token buckets (one row per client address that signed up recently), shared by every pod. Bucket4j's
-- PostgreSQL proxy locks the row (SELECT ... FOR UPDATE) for the read-modify-write of the bucket state. expires_at
-- (epoch millis) is when a bucket has refilled and carries no information; a periodic purge deletes those rows.
create table rate_limit_bucket (
    id         text primary key,
    state      bytea,
    expires_at bigint
);
create index rate_limit_bucket_expiry on rate_limit_bucket (expires_at);
