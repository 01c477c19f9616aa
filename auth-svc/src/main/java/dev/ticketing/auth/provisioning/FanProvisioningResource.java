package dev.ticketing.auth.provisioning;

import dev.ticketing.auth.config.AuthConfig;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /api/auth/admin/fans} (admin): fans provisioned ahead of an on-sale, e.g. by
 * {@code loadtest/provision-fans.sh}. Emails are {@code <emailPrefix>-<number, 6+ digits>@<domain>} for numbers
 * {@code first .. first+count-1}. Off with {@code ticketing.auth.provisioning.enabled=false} (then 404).
 */
@Path("/api/auth/admin/fans")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FanProvisioningResource {

    public record ProvisionRequest(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,31}", message = "1-32 of a-z, 0-9 and '-'") String emailPrefix,
            @NotBlank @Size(max = 100) @Pattern(regexp = "[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}",
                    message = "must be a lower-case domain name") String domain,
            @NotNull @Min(1) @Max(99_999_999) Long first,
            @NotNull @Min(1) @Max(5_000) Integer count,
            @NotBlank @Size(max = 300) String passwordHash,
            Boolean issueTokens) {
    }

    private final FanProvisioning provisioning;
    private final AuthConfig config;
    private final SecurityIdentity identity;

    public FanProvisioningResource(FanProvisioning provisioning, AuthConfig config, SecurityIdentity identity) {
        this.provisioning = provisioning;
        this.config = config;
        this.identity = identity;
    }

    @POST
    @RolesAllowed("admin")
    public FanProvisioning.Result provision(@Valid @NotNull ProvisionRequest request) {
        if (!config.provisioning().enabled()) {
            throw new NotFoundException();
        }
        return provisioning.provision(identity.getPrincipal().getName(), request.emailPrefix(), request.domain(),
                request.first(), request.count(), request.passwordHash(), Boolean.TRUE.equals(request.issueTokens()));
    }
}
