package dev.ticketing.payment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Typed settings of payment-svc ({@code payment.*} in application.properties). */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {

    Provider provider();

    Processing processing();

    Outbox outbox();

    Retention retention();

    interface Provider {
        /** The provider's secret key; sent as HTTP Basic user name with an empty password (Toss convention). */
        String secretKey();
    }

    interface Processing {
        /** How long a claimed payment belongs to one worker; must exceed the longest provider call with retries. */
        @WithDefault("60s")
        Duration lease();

        /** Wait before asking again when the outcome is not known yet (grows linearly with the attempts). */
        @WithDefault("5s")
        Duration retryDelay();

        @WithDefault("5m")
        Duration maxRetryDelay();

        /** Attempts after which a payment the provider never saw is given up as failed. */
        @WithDefault("5")
        int maxAttempts();

        /** How often the recovery job looks for payments due for another attempt. */
        @WithDefault("5s")
        String recoveryInterval();

        @WithDefault("100")
        int recoveryBatchSize();

        /**
         * Threads for the payments' database steps (charge/WorkerPool). Provider calls hold none while they wait, so
         * this is not the number of payments talked to the provider about in parallel (that is maxInFlight).
         */
        @WithDefault("8")
        int workers();

        /**
         * Payments handed to the workers and not finished yet, at most: the bound on provider calls in flight. Intake
         * waits for room (the backlog stays in Kafka, where it is visible as lag) instead of queueing without bound in
         * memory, where a payment could wait past its lease and be claimed a second time by the recovery sweep.
         */
        @WithDefault("256")
        int maxInFlight();

        /**
         * How long a confirm that got no answer may still be captured by the provider. Until then a payment the
         * provider has no record of stays PROCESSING (asked again) instead of FAILED.
         */
        @WithDefault("2m")
        Duration confirmSettleWindow();
    }

    Reconciliation reconciliation();

    /** charge/Reconciliation: failed payments after an unanswered confirm, asked about again and settled. */
    interface Reconciliation {
        @WithDefault("30s")
        String every();

        /** Failed payments younger than this are reconciled. */
        @WithDefault("P1D")
        Duration lookback();

        @WithDefault("100")
        int batchSize();
    }

    interface Outbox {
        @WithDefault("1s")
        String relayInterval();

        @WithDefault("200")
        int batchSize();

        @WithDefault("30s")
        Duration sendTimeout();
    }

    /** How long published outbox rows and processed event ids are kept (outbox/Retention). */
    interface Retention {
        Duration outbox();

        /** Keep above the order-events topic's retention: an id forgotten too early lets a redelivery apply twice. */
        Duration processedEvents();

        /** How often the purge runs (a scheduler expression, read by Retention's @Scheduled). */
        String every();
    }
}
