package dev.ticketing.auth.account;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

public record SignupRequest(
        @NotBlank @Size(max = 254) @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+", message = "must be a valid email address")
        String email,
        // Upper bound keeps one request from costing unbounded hashing work.
        @NotNull @Size(min = 8, max = 128, message = "must be between 8 and 128 characters")
        String password,
        @NotBlank @Size(max = 100)
        String name) {
    /** Surrounding spaces are a typing accident, not part of the value. */
    public SignupRequest {
        email = email == null ? null : email.strip();
        name = name == null ? null : name.strip();
    }
}
