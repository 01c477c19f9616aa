-- A confirm whose answer never came (timeout, connection lost, "same key still processing") may still be captured by
-- the provider: the payment may not end FAILED until the settle window after the last such confirm has passed.
alter table payment add column confirm_unanswered_at timestamptz;
-- Reconciliation of failed payments after which a confirm had gone unanswered: what the provider said in the end.
alter table payment add column reconciled_at timestamptz;
alter table payment add column reconciliation text;
create index payment_to_reconcile on payment (updated_at)
    where status = 'FAILED' and confirm_unanswered_at is not null and reconciled_at is null;
