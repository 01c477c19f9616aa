package dev.ticketing.auth.login;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** No format rules here beyond bounds: a login answers 401, it does not teach the password policy. */
public record LoginRequest(
        @NotBlank @Size(max = 254) String email,
        @NotBlank @Size(max = 128) String password) {
    /** Surrounding spaces are a typing accident, not part of the value. */
    public LoginRequest {
        email = email == null ? null : email.strip();
    }
}
