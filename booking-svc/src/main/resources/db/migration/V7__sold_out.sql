-- Whether every seat of the performance is sold. booking-svc publishes PerformanceSoldOut / PerformanceOnSale on
-- performance-events when it changes (SoldOut.recheck), so the waiting room stops admitting fans to a sale that has
-- nothing left and tells them at once.
alter table performance add column sold_out boolean not null default false;
