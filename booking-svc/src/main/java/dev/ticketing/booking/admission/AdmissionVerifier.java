package dev.ticketing.booking.admission;

import dev.ticketing.booking.config.BookingConfig;
import dev.ticketing.booking.problem.ProblemException;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks the admission token queue-svc issued when the fan left the waiting room: RS256 signature against
 * queue-svc's JWKS, issuer, expiry, and that it was issued to this user for this performance. Without it, nobody
 * reaches the seats past the queue (403).
 */
@ApplicationScoped
public class AdmissionVerifier {

    private final JWTParser parser;

    public AdmissionVerifier(BookingConfig config) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(config.admission().jwksLocation(), config.admission().issuer());
        info.setSignatureAlgorithm(java.util.Set.of(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256));
        info.setClockSkew(5);
        info.setJwksRefreshInterval(10);
        info.setForcedJwksRefreshInterval(1);
        // aud is the performance, checked per request below
        this.parser = new DefaultJWTParser(info);
    }

    public void verify(String token, String userId, String performanceId) {
        if (token == null || token.isBlank()) {
            throw ProblemException.forbidden("An admission token from the waiting room is required (X-Admission-Token)");
        }
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
    }
}
