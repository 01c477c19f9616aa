package dev.ticketing.booking.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ticketing.booking.auth.CachingJwtParser;
import dev.ticketing.booking.config.BookingConfig;
import dev.ticketing.booking.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks the admission token queue-svc issued when the fan left the waiting room: RS256 signature against
 * queue-svc's JWKS, issuer, expiry, that it was issued to this user for this performance, and that its admission is
 * still live. Without it, nobody reaches the seats past the queue (403).
 *
 * An admission lasts only as long as the place (docs/architecture.md, "Admission sessions"): queue-svc keeps the
 * session id of every live admission in {@code room:{<performanceId>}:sessions} (user → sid) in the Redis both
 * services share, and removes it when the booking completes or is abandoned, the fan leaves, or the session expires.
 * The token's {@code sid} must equal it. Orders check it with one HGET; the hold path reads it in the same script as
 * the seat gate (SeatGate#check) and verifies the signature only when the seats are free. A token seen before skips
 * the signature check (verified-token cache), never the session check.
 */
@ApplicationScoped
public class AdmissionVerifier {

    private final JWTParser parser;
    // Token → the sid it claims, unverified: a fan retrying holds on taken seats sends the same token again and again,
    // and parsing it (base64 + JSON) was the largest single cost of a refusal (JFR). It only picks the Redis entry to
    // read; the signature is still verified before anything is held. Bounded like the verified-token cache.
    private final Cache<String, String> claimed;
    private final HashCommands<String, String, String> sessions;

    public AdmissionVerifier(BookingConfig config, RedisDataSource redis, MeterRegistry metrics) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(config.admission().jwksLocation(), config.admission().issuer());
        info.setSignatureAlgorithm(java.util.Set.of(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256));
        info.setClockSkew(5);
        info.setJwksRefreshInterval(10);
        info.setForcedJwksRefreshInterval(1);
        // aud is the performance, checked per request below
        this.parser = new CachingJwtParser(new DefaultJWTParser(info), config.tokenCache().maxEntries(),
                config.tokenCache().maxTtl(), metrics, "admission-tokens");
        this.sessions = redis.hash(String.class, String.class, String.class);
        this.claimed = Caffeine.newBuilder().maximumSize(config.tokenCache().maxEntries())
                .expireAfterWrite(config.tokenCache().maxTtl()).build();
    }

    /** The key queue-svc keeps a room's live admissions in (its RoomKeys.Key.SESSIONS). */
    public static String sessionsKey(String performanceId) {
        return "room:{" + performanceId + "}:sessions";
    }

    /** The full check, for orders: the token (see {@link #verifySignature}) and its session, one HGET. */
    public void verify(String token, String userId, String performanceId) {
        String sid = verifySignature(token, userId, performanceId);
        // Redis down is a 503 (the generic mapper): without the session we cannot tell, and we never guess "yes".
        if (sid == null || !sid.equals(sessions.hget(sessionsKey(performanceId), userId))) {
            throw ended();
        }
    }

    /** The cheapest refusal of all: no token, no further work. */
    public static void requirePresent(String token) {
        if (token == null || token.isBlank()) {
            throw ProblemException.forbidden("An admission token from the waiting room is required (X-Admission-Token)");
        }
    }

    /**
     * The session id the token claims, read without checking its signature — only so that the hold path can ask Redis
     * about the session in the same round trip as the seat gate. It counts for nothing until {@link #verifySignature}
     * has accepted the same token; null when the token cannot even be parsed.
     */
    public String claimedSession(String token) {
        String t = token.strip();
        String known = claimed.getIfPresent(t);
        if (known != null) {
            return known.isEmpty() ? null : known;
        }
        String sid;
        try {
            sid = sid(parser.parseOnly(t));
        } catch (ParseException | RuntimeException e) {
            sid = null;
        }
        claimed.put(t, sid == null ? "" : sid);
        return sid;
    }

    /**
     * RS256 signature against queue-svc's JWKS (or the verified-token cache), issuer, expiry, issued to this user for
     * this performance; returns its session id (null when it has none). 403 otherwise.
     */
    public String verifySignature(String token, String userId, String performanceId) {
        requirePresent(token);
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token.strip());
        } catch (ParseException e) {
            throw ProblemException.forbidden("The admission token is not valid: it is expired, forged or not from the waiting room");
        }
        if (!userId.equals(jwt.getSubject())) {
            throw ProblemException.forbidden("The admission token was issued to another user");
        }
        if (jwt.getAudience() == null || !jwt.getAudience().contains(performanceId)) {
            throw ProblemException.forbidden("The admission token is for another performance");
        }
        return sid(jwt);
    }

    public static ProblemException ended() {
        return ProblemException.forbidden("Your admission has ended (booking completed or abandoned, you left the "
                + "waiting room, or the session expired): enter the waiting room again");
    }

    private static String sid(JsonWebToken jwt) {
        Object claim = jwt.getClaim("sid");
        return claim instanceof jakarta.json.JsonString js ? js.getString() : claim == null ? null : claim.toString();
    }
}
