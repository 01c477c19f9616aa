package dev.ticketing.auth.login;

import dev.ticketing.auth.account.Account;
import dev.ticketing.auth.account.AccountService;
import dev.ticketing.auth.account.PasswordHasher;
import dev.ticketing.auth.rest.ApiException;
import dev.ticketing.auth.token.AccessTokens;
import dev.ticketing.auth.token.RefreshTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.OptionalLong;

@ApplicationScoped
public class LoginService {

    private final AccountService accounts;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final MeterRegistry metrics;

    public LoginService(AccountService accounts, PasswordHasher hasher, LoginThrottle throttle,
                        AccessTokens accessTokens, RefreshTokens refreshTokens, MeterRegistry metrics) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.throttle = throttle;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.metrics = metrics;
    }

    public TokenResponse login(LoginRequest request, String clientAddress) {
        String email = Account.normalizeEmail(request.email());
        OptionalLong ipWait = throttle.ipBlockedFor(clientAddress);
        if (ipWait.isPresent()) {
            throw throttled(ipWait.getAsLong());
        }
        OptionalLong accountWait = throttle.reserveAccountAttempt(email, clientAddress);
        if (accountWait.isPresent()) {
            throw throttled(accountWait.getAsLong());
        }
        Optional<Account> account;
        boolean ok;
        try {
            account = accounts.byEmail(email);
            ok = account.isPresent()
                    ? hasher.matches(request.password(), account.get().passwordHash)
                    : hasher.decoyCheck(request.password());
        } catch (RuntimeException e) {
            throttle.succeeded(email, clientAddress); // not the caller's failure: give the slot back
            throw e;
        }
        if (!ok) {
            throttle.failed(email, clientAddress);
            count("login", "failure");
            // Same answer for unknown email and wrong password: no account enumeration.
            throw ApiException.unauthorized("Email or password is incorrect.");
        }
        throttle.succeeded(email, clientAddress);
        count("login", "success");
        Account a = account.get();
        return new TokenResponse(accessTokens.issue(a.id, a.email, a.roleSet()), refreshTokens.issue(a.id),
                "Bearer", accessTokens.ttlSeconds());
    }

    public TokenResponse refresh(RefreshRequest request) {
        RefreshTokens.Rotation rotation = refreshTokens.rotate(request.refreshToken());
        if (rotation instanceof RefreshTokens.Rotation.Rotated rotated) {
            Optional<Account> account = accounts.byId(rotated.accountId());
            if (account.isPresent()) {
                count("refresh", "success");
                Account a = account.get();
                return new TokenResponse(accessTokens.issue(a.id, a.email, a.roleSet()), rotated.refreshToken(),
                        "Bearer", accessTokens.ttlSeconds());
            }
        } else if (rotation instanceof RefreshTokens.Rotation.ReuseDetected reuse) {
            Log.warnf("Refresh token reused: revoked token family %s", reuse.familyId());
            count("refresh", "reuse");
            throw ApiException.unauthorized("The refresh token was already used; please log in again.");
        }
        count("refresh", "invalid");
        throw ApiException.unauthorized("The refresh token is invalid or expired.");
    }

    private ApiException throttled(long retryAfterSeconds) {
        count("login", "throttled");
        return ApiException.tooManyRequests(retryAfterSeconds);
    }

    private void count(String action, String outcome) {
        metrics.counter("ticketing.auth." + action, "outcome", outcome).increment();
    }
}
