package dev.ticketing.search.problem;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;

/** The one place that turns failures into application/problem+json; bad input is a 4xx, never a 500. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return respond(Problem.invalid(e.violations()));
    }

    @ServerExceptionMapper
    public Response constraintViolations(ConstraintViolationException e) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field))
                .toList();
        return respond(Problem.invalid(violations));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.fromResponse(respond(Problem.of(401, "Unauthorized", "A valid access token is required")))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "Forbidden", "This operation needs the admin role"));
    }

    @ServerExceptionMapper
    public Response unavailable(EngineUnavailableException e) {
        // The message may carry the engine's own error text (index names, stack fragments, query internals): it goes
        // to the log, never to the client.
        Log.warnf(e, "dependency unavailable: %s", e.getMessage());
        String detail = e.status() == 502 ? "An upstream service gave an unusable answer; try again shortly"
                : "Search is unavailable for a moment; try again shortly";
        return Response.status(e.status()).type(Problem.MEDIA_TYPE).header("Retry-After", "2")
                .entity(Problem.of(e.status(), e.status() == 502 ? "Bad Gateway" : "Service Unavailable", detail))
                .build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return respond(Problem.of(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()));
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** "suggest.q" → "q": callers know their query parameter, not our method names. */
    private static String fieldName(ConstraintViolation<?> v) {
        String last = null;
        for (Path.Node node : v.getPropertyPath()) {
            last = node.getName();
        }
        return last == null ? "request" : last;
    }
}
