package dev.ticketing.auth.login;

import dev.ticketing.auth.config.AuthConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.List;
import java.util.OptionalLong;

/**
 * Brute-force brake on failed logins, shared by every pod through PostgreSQL. Only failures spend budget, so fans
 * logging in successfully, however many and from however few NAT addresses, are never refused.
 * <p>
 * No lockout weapon: the account budget is kept per account <em>and client address</em>, so a stranger's wrong
 * passwords brake the stranger, never the owner logging in from elsewhere. This follows OWASP's Authentication Cheat
 * Sheet, which warns that account lockout lets anyone deny service to known users and recommends throttling keyed by
 * account and source instead. The price, accepted and bounded: a guesser with many addresses gets 5 tries per
 * address per account per window, and each address is also capped across accounts (credential stuffing); Argon2 makes
 * every guess expensive.
 * <ul>
 *   <li>Per account and address: an attempt first <em>reserves</em> a slot ({@code pending}) in one upsert that refuses once
 *   failures + pending reach the limit, then resolves it: a success hands the slot back, a failure turns it into a
 *   failure. A burst of parallel guesses therefore cannot overshoot the limit (a check-then-count would let every
 *   in-flight guess through). An attempt that finds the budget held only by in-flight checks waits for them to
 *   resolve rather than being refused: it may be the owner logging in on several devices.</li>
 *   <li>Per client address: failures are counted after the fact and the address is refused once over the limit.</li>
 * </ul>
 * A refused attempt is answered before the password is checked; otherwise the answer would reveal the guess.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final long FIRST_POLL_MILLIS = 20;
    private static final long MAX_POLL_MILLIS = 400;

    private final EntityManager em;
    private final AuthConfig.Throttle config;

    public LoginThrottle(EntityManager em, AuthConfig config) {
        this.em = em;
        this.config = config.throttle();
    }

    static String accountKey(String normalizedEmail, String address) {
        return "account:" + normalizedEmail + "|" + address;
    }

    static String ipKey(String address) {
        return "ip:" + address;
    }

    /** Seconds until the address may try again, or empty when it is under its failure limit. */
    public OptionalLong ipBlockedFor(String address) {
        return QuarkusTransaction.requiringNew().call(() -> firstLong(em.createNativeQuery("""
                        select greatest(1, ceil(extract(epoch from
                               window_start + make_interval(secs => :window) - clock_timestamp())))::bigint
                          from login_throttle
                         where key = :key and failures >= :limit
                           and window_start > clock_timestamp() - make_interval(secs => :window)""")
                .setParameter("key", ipKey(address))
                .setParameter("limit", config.ipMaxFailures())
                .setParameter("window", config.ipWindow().toSeconds())
                .getResultList()));
    }

    /**
     * Reserves one attempt on the account; empty when reserved (the caller must then call {@link #succeeded} or
     * {@link #failed}), otherwise the seconds until the account's window ends.
     */
    public OptionalLong reserveAccountAttempt(String normalizedEmail, String address) {
        String key = accountKey(normalizedEmail, address);
        long deadline = System.nanoTime() + config.pendingWait().toNanos();
        // Backing off keeps a flood of parallel guesses from turning into a flood of polling queries.
        long poll = FIRST_POLL_MILLIS;
        while (true) {
            if (tryReserve(key)) {
                return OptionalLong.empty();
            }
            OptionalLong locked = lockedFor(key);
            if (locked.isPresent()) {
                return locked;
            }
            // Budget held only by checks in flight: they resolve within one hash time.
            if (System.nanoTime() > deadline) {
                return OptionalLong.of(1);
            }
            try {
                Thread.sleep(poll);
                poll = Math.min(poll * 2, MAX_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalLong.of(1);
            }
        }
    }

    private boolean tryReserve(String key) {
        return QuarkusTransaction.requiringNew().call(() -> !em.createNativeQuery("""
                        insert into login_throttle as t (key, failures, pending, window_start)
                        values (:key, 0, 1, clock_timestamp())
                        on conflict (key) do update
                           set failures = case when t.window_start <= clock_timestamp() - make_interval(secs => :window)
                                               then 0 else t.failures end,
                               pending  = case when t.window_start <= clock_timestamp() - make_interval(secs => :window)
                                               then 1 else t.pending + 1 end,
                               window_start = case when t.window_start <= clock_timestamp() - make_interval(secs => :window)
                                                   then clock_timestamp() else t.window_start end
                         where t.window_start <= clock_timestamp() - make_interval(secs => :window)
                            or t.failures + t.pending < :limit
                        returning 1""")
                .setParameter("key", key)
                .setParameter("window", config.accountWindow().toSeconds())
                .setParameter("limit", config.accountMaxFailures())
                .getResultList().isEmpty());
    }

    /** Seconds left when confirmed failures alone exhaust the account's budget. */
    private OptionalLong lockedFor(String key) {
        return QuarkusTransaction.requiringNew().call(() -> firstLong(em.createNativeQuery("""
                        select greatest(1, ceil(extract(epoch from
                               window_start + make_interval(secs => :window) - clock_timestamp())))::bigint
                          from login_throttle
                         where key = :key and failures >= :limit
                           and window_start > clock_timestamp() - make_interval(secs => :window)""")
                .setParameter("key", key)
                .setParameter("window", config.accountWindow().toSeconds())
                .setParameter("limit", config.accountMaxFailures())
                .getResultList()));
    }

    /** The reserved attempt was a success: hand the slot back, nothing is counted. */
    public void succeeded(String normalizedEmail, String address) {
        resolve(normalizedEmail, address, 0);
    }

    /** The reserved attempt failed: the slot becomes a failure on the account, and the address is charged too. */
    public void failed(String normalizedEmail, String address) {
        resolve(normalizedEmail, address, 1);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                        insert into login_throttle as t (key, failures, window_start)
                        values (:key, 1, clock_timestamp())
                        on conflict (key) do update
                           set failures = case when t.window_start <= clock_timestamp() - make_interval(secs => :window)
                                               then 1 else t.failures + 1 end,
                               window_start = case when t.window_start <= clock_timestamp() - make_interval(secs => :window)
                                                   then clock_timestamp() else t.window_start end""")
                .setParameter("key", ipKey(address))
                .setParameter("window", config.ipWindow().toSeconds())
                .executeUpdate());
    }

    private void resolve(String normalizedEmail, String address, int failure) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                        update login_throttle set pending = greatest(pending - 1, 0), failures = failures + :failure
                         where key = :key""")
                .setParameter("key", accountKey(normalizedEmail, address))
                .setParameter("failure", failure)
                .executeUpdate());
    }

    /** Ended windows carry no information (and reclaim slots of pods that died mid-check); keep the table small. */
    @Scheduled(every = "5m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeEndedWindows() {
        long longest = Math.max(config.accountWindow().toSeconds(), config.ipWindow().toSeconds());
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                        delete from login_throttle where window_start < clock_timestamp() - make_interval(secs => :window)""")
                .setParameter("window", longest)
                .executeUpdate());
    }

    private static OptionalLong firstLong(List<?> rows) {
        return rows.isEmpty() ? OptionalLong.empty() : OptionalLong.of(((Number) rows.get(0)).longValue());
    }
}
