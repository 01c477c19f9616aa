package dev.ticketing.auth.provisioning;

import com.password4j.Argon2Function;
import dev.ticketing.auth.config.AuthConfig;
import dev.ticketing.auth.rest.ApiException;
import dev.ticketing.auth.token.AccessTokens;
import dev.ticketing.auth.token.RefreshTokens;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fans created ahead of an on-sale in bulk (load tests, rehearsals): one INSERT for up to 5,000 accounts, all with the
 * password hash the caller computed once — an Argon2id hash at least as costly as the one sign-up makes, so the KDF
 * is never weaker than on the sign-up path, and the server spends no hashing at all. Accounts that exist are left
 * untouched (the call is idempotent). Only the accounts this call created can get tokens: for them the admin holds
 * the password anyway, and no existing account's session can be minted this way.
 */
@ApplicationScoped
public class FanProvisioning {

    private static final Pattern COST = Pattern.compile("^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$");

    public record Provisioned(String email, UUID userId, String accessToken, String refreshToken, long expiresIn) {
    }

    public record Result(int created, int existing, List<Provisioned> fans) {
    }

    private final EntityManager em;
    private final AuthConfig.Password cost;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;

    public FanProvisioning(EntityManager em, AuthConfig config, AccessTokens accessTokens, RefreshTokens refreshTokens) {
        this.em = em;
        this.cost = config.password();
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
    }

    public static String email(String prefix, long number, String domain) {
        return String.format("%s-%06d@%s", prefix, number, domain);
    }

    public Result provision(String admin, String prefix, String domain, long first, int count, String passwordHash,
                            boolean issueTokens) {
        checkCost(passwordHash);
        List<String> emails = new ArrayList<>(count);
        for (long n = first; n < first + count; n++) {
            emails.add(email(prefix, n, domain));
        }
        List<Provisioned> fans = new ArrayList<>();
        int created = QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("""
                            insert into account (id, email, name, password_hash, roles)
                            select gen_random_uuid(), e, split_part(e, '@', 1), :hash, array['user']
                            from unnest(cast(:emails as text[])) as e
                            on conflict (email) do nothing
                            returning id, email""")
                    .setParameter("hash", passwordHash)
                    .setParameter("emails", emails.toArray(String[]::new))
                    .getResultList();
            if (issueTokens) {
                List<UUID> ids = rows.stream().map(r -> (UUID) r[0]).toList();
                List<String> refresh = refreshTokens.issueAll(ids);
                for (int i = 0; i < rows.size(); i++) {
                    UUID id = ids.get(i);
                    String email = (String) rows.get(i)[1];
                    fans.add(new Provisioned(email, id, accessTokens.issue(id, email, Set.of("user")), refresh.get(i),
                            accessTokens.ttlSeconds()));
                }
            }
            return rows.size();
        });
        Log.infof("admin %s provisioned fans %s-%06d..%06d@%s: %d created, %d existed%s", admin, prefix, first,
                first + count - 1, domain, created, count - created, issueTokens ? " (with tokens)" : "");
        return new Result(created, count - created, fans);
    }

    /** The hash must be an Argon2id hash at least as costly as sign-up's (memory and iterations), and decodable. */
    private void checkCost(String hash) {
        Matcher m = COST.matcher(hash);
        if (!m.find()) {
            throw badHash("must be an Argon2id hash in the PHC string format ($argon2id$v=19$m=..,t=..,p=..$salt$hash)");
        }
        long memory = Long.parseLong(m.group(1));
        long iterations = Long.parseLong(m.group(2));
        if (memory < cost.memoryKib() || iterations < cost.iterations()) {
            throw badHash("costs m=" + memory + ",t=" + iterations + ", below this service's sign-up cost (m="
                    + cost.memoryKib() + ",t=" + cost.iterations() + "): provisioned accounts never get a weaker KDF");
        }
        try {
            Argon2Function.getInstanceFromHash(hash);
        } catch (RuntimeException e) {
            throw badHash("is not a decodable Argon2id hash");
        }
    }

    private static ApiException badHash(String why) {
        return new ApiException(400, "Bad Request", "passwordHash: " + why, Map.of());
    }
}
