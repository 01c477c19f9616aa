package dev.ticketing.booking.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/** The one place that turns refusals into problem+json: field-level violations for bad input, never a 500 for it. */
public class ProblemMappers {

    static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(problemOf(e));
    }

    /** The body a refusal is answered with; also written by routes outside RESTEasy (HoldRoute). */
    public static Problem problemOf(ProblemException e) {
        if (e instanceof dev.ticketing.booking.hold.SeatsTakenException taken) {
            return new Problem("about:blank", e.title(), e.status(), e.getMessage(), null, taken.seatIds());
        }
        if (e instanceof dev.ticketing.booking.hold.TicketLimitException over) {
            return new Problem("about:blank", e.title(), e.status(), e.getMessage(), null, null, over.limit(),
                    over.held());
        }
        return new Problem("about:blank", e.title(), e.status(), e.getMessage(), e.violations(), null);
    }

    /** Quarkus registers its own mapper for this exact type; ours must be as specific to take over. */
    @ServerExceptionMapper
    public Response validation(ResteasyReactiveViolationException e) {
        return violations(e);
    }

    @ServerExceptionMapper
    public Response violations(ConstraintViolationException e) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(field(v.getPropertyPath().toString()), v.getMessage()))
                .sorted(java.util.Comparator.comparing(Problem.Violation::field))
                .collect(Collectors.toList());
        return respond(new Problem("about:blank", "Bad Request", 400, "The request has invalid fields", violations, null));
    }

    /** "create.request.showtimes[0].startsAt" -> "showtimes[0].startsAt": the path as the client wrote the JSON. */
    static String field(String path) {
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : parts[parts.length - 1];
    }

    /** Quarkus maps this exact type itself (plain JSON); ours answers problem+json with the field. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return malformed(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return malformed(e);
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        String field = null;
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        String why = e instanceof InvalidFormatException ? "has the wrong type or format" : "is malformed";
        return respond(new Problem("about:blank", "Bad Request", 400, "The JSON body " + why,
                field == null ? null : List.of(new Problem.Violation(field, why)), null));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.fromResponse(respond(Problem.of(401, "Unauthorized", "A valid access token is required")))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "Forbidden", "This needs a role you do not have"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            Log.error("request failed", e);
        }
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return respond(Problem.of(status, title, e.getMessage()));
    }

    /** A store down or saturated is 503 + Retry-After (clients come again); anything else is our defect: 500. */
    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (Dependencies.unavailable(e)) {
            Log.warnf("dependency unavailable: %s", e.toString());
            return Response.fromResponse(respond(Problem.of(503, "Service Unavailable",
                    "A store this service needs is unavailable; try again shortly"))).header("Retry-After", "2").build();
        }
        Log.error("unexpected failure", e);
        return respond(Problem.of(500, "Internal Server Error", "Something went wrong on our side"));
    }
}
