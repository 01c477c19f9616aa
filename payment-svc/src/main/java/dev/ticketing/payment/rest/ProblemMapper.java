package dev.ticketing.payment.rest;

import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Turns every error into application/problem+json; a 500 never carries internals. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response validation(ResteasyReactiveViolationException e, UriInfo uri) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(field(v), v.getMessage()))
                .sorted(java.util.Comparator.comparing(Problem.Violation::field))
                .toList();
        return problem(400, "Bad Request", "the request is not valid", uri, violations);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return problem(401, "Unauthorized", "a valid access token is required", uri, null);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return problem(403, "Forbidden", e.getMessage() == null ? "not allowed" : e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        Response.StatusType s = e.getResponse().getStatusInfo();
        return problem(s.getStatusCode(), s.getReasonPhrase(), e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        if (Dependencies.unavailable(e)) { // the database down or the pool exhausted: come again, not our defect
            Log.warnf("dependency unavailable on %s: %s", uri.getPath(), e.toString());
            return Response.fromResponse(problem(503, "Service Unavailable", "try again shortly", uri, null))
                    .header("Retry-After", "2").build();
        }
        Log.error("unexpected error on " + uri.getPath(), e);
        return problem(500, "Internal Server Error", "an unexpected error occurred", uri, null);
    }

    private static Response problem(int status, String title, String detail, UriInfo uri,
                                    List<Problem.Violation> violations) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, uri.getPath(), violations))
                .build();
    }

    /** "byOrder.orderId" → "orderId": the name the client sent, not the Java method. */
    private static String field(ConstraintViolation<?> v) {
        String last = null;
        for (Path.Node n : v.getPropertyPath()) {
            last = n.getName();
        }
        return last;
    }
}
