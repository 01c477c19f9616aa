package dev.ticketing.auth.token;

import dev.ticketing.auth.config.AuthConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Opaque refresh tokens: 256 random bits handed to the client, only their SHA-256 stored. Each use rotates the
 * token; presenting an already-rotated token means it leaked (or two clients raced), and revokes the family.
 */
@ApplicationScoped
public class RefreshTokens {

    /**
     * Per bean, not static: a native image initialises classes at build time, and a SecureRandom in a static field
     * would be baked into the image with its seed (the native build refuses it).
     */
    private final SecureRandom random = new SecureRandom();

    private final EntityManager em;
    private final AuthConfig config;

    public RefreshTokens(EntityManager em, AuthConfig config) {
        this.em = em;
        this.config = config;
    }

    /** Outcome of presenting a refresh token. */
    public sealed interface Rotation {
        record Rotated(UUID accountId, String refreshToken) implements Rotation {
        }

        /** Unknown, expired or revoked: nothing happens. */
        record Invalid() implements Rotation {
        }

        /** Already used once: the whole family is now revoked. */
        record ReuseDetected(UUID familyId) implements Rotation {
        }
    }

    /**
     * Starts a new family for each account, in one statement (bulk provisioning); the tokens in the accounts' order.
     * Joins the caller's transaction if there is one.
     */
    public List<String> issueAll(List<UUID> accountIds) {
        if (accountIds.isEmpty()) {
            return List.of();
        }
        List<String> tokens = new ArrayList<>(accountIds.size());
        String[] hashes = new String[accountIds.size()];
        for (int i = 0; i < accountIds.size(); i++) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            tokens.add(token);
            hashes[i] = hash(token);
        }
        QuarkusTransaction.joiningExisting().run(() -> em.createNativeQuery("""
                        insert into refresh_token (token_hash, account_id, family_id, expires_at)
                        select h, a, gen_random_uuid(), clock_timestamp() + make_interval(secs => :ttl)
                        from unnest(cast(:hashes as text[]), cast(:accounts as uuid[])) as t(h, a)""")
                .setParameter("hashes", hashes)
                .setParameter("accounts", accountIds.toArray(UUID[]::new))
                .setParameter("ttl", config.refreshTokenTtl().toSeconds())
                .executeUpdate());
        return tokens;
    }

    /** Starts a new family (one per login). Joins the caller's transaction if there is one. */
    public String issue(UUID accountId) {
        return QuarkusTransaction.joiningExisting().call(() -> insert(accountId, UUID.randomUUID()));
    }

    public Rotation rotate(String presented) {
        String hash = hash(presented);
        return QuarkusTransaction.requiringNew().call(() -> {
            // The conditional update is the whole "use once" rule: of N concurrent requests with the same token,
            // PostgreSQL lets exactly one match (the others re-check used_at after the row lock and match nothing).
            @SuppressWarnings("unchecked")
            List<Object[]> used = em.createNativeQuery("""
                            update refresh_token set used_at = clock_timestamp()
                             where token_hash = :hash and used_at is null and revoked_at is null
                               and expires_at > clock_timestamp()
                            returning account_id, family_id""")
                    .setParameter("hash", hash)
                    .getResultList();
            if (!used.isEmpty()) {
                UUID accountId = (UUID) used.get(0)[0];
                UUID familyId = (UUID) used.get(0)[1];
                return new Rotation.Rotated(accountId, insert(accountId, familyId));
            }
            @SuppressWarnings("unchecked")
            List<UUID> family = em.createNativeQuery("""
                            update refresh_token set revoked_at = clock_timestamp()
                             where family_id = (select family_id from refresh_token
                                                 where token_hash = :hash and used_at is not null)
                               and revoked_at is null
                            returning family_id""")
                    .setParameter("hash", hash)
                    .getResultList();
            // Empty also when the token is unknown, expired, or its family was revoked already: all just 401.
            return family.isEmpty() ? new Rotation.Invalid() : new Rotation.ReuseDetected(family.get(0));
        });
    }

    private String insert(UUID accountId, UUID familyId) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        em.createNativeQuery("""
                        insert into refresh_token (token_hash, account_id, family_id, expires_at)
                        values (:hash, :account, :family, clock_timestamp() + make_interval(secs => :ttl))""")
                .setParameter("hash", hash(token))
                .setParameter("account", accountId)
                .setParameter("family", familyId)
                .setParameter("ttl", config.refreshTokenTtl().toSeconds())
                .executeUpdate();
        return token;
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Expired tokens can never be used again; keep the table small. Reuse detection only needs live families. */
    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeExpired() {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "delete from refresh_token where expires_at < clock_timestamp() - interval '1 day'")
                .executeUpdate());
    }
}
