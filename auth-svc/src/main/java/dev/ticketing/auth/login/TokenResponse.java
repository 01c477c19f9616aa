package dev.ticketing.auth.login;

/** Login and refresh answer the same shape; {@code expiresIn} is the access token's lifetime in seconds. */
public record TokenResponse(String accessToken, String refreshToken, String tokenType, long expiresIn) {
}
