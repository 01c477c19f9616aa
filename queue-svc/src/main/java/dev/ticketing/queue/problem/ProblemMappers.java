package dev.ticketing.queue.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.ticketing.queue.room.RoomNotFoundException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Every error leaves as application/problem+json; bad input is a 400 with field violations, never a 500. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response violations(ConstraintViolationException e) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field))
                .collect(Collectors.toList());
        return respond(new Problem("about:blank", "Bad Request", 400, "The request is not valid", null, violations));
    }

    @ServerExceptionMapper
    public Response invalidRoomId(dev.ticketing.queue.room.RoomId.Invalid e) {
        return respond(new Problem("about:blank", "Bad Request", 400, "The request is not valid", null,
                List.of(new Problem.Violation("performanceId", e.getMessage()))));
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response parse(JsonParseException e) {
        return respond(Problem.of(400, "Bad Request", "The body is not valid JSON"));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(Problem.of(400, "Bad Request", "The body is not valid JSON"));
    }

    @ServerExceptionMapper
    public Response notFound(RoomNotFoundException e) {
        return respond(Problem.of(404, "Not Found", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response opened(dev.ticketing.queue.room.RoomOpenedException e) {
        return respond(Problem.of(409, "Room already opened", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "Forbidden", "This needs a role you do not have"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        String detail = status >= 500 ? title : e.getMessage();
        return respond(Problem.of(status, title, detail));
    }

    /**
     * Redis down, restarting or loading is 503 + Retry-After (clients come again); anything else is a 500. Mapped for
     * every Throwable: the Redis client fails a command whose connection died with a bare Throwable (Vert.x'
     * NoStackTraceThrowable, "CONNECTION_CLOSED"), which an Exception mapper let through as a bare 500.
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (Dependencies.unavailable(e)) {
            Log.warnf("dependency unavailable: %s", e.toString());
            return Response.fromResponse(respond(Problem.of(503, "Service Unavailable",
                    "The waiting room's store is unavailable; your place is kept, try again shortly")))
                    .header("Retry-After", "2").build();
        }
        Log.error("unexpected failure", e);
        return respond(Problem.of(500, "Internal Server Error", "Something went wrong on our side"));
    }

    private static Response unauthorized() {
        return Response.status(401).header("WWW-Authenticate", "Bearer")
                .type(Problem.MEDIA_TYPE).entity(Problem.of(401, "Unauthorized", "A valid access token is required")).build();
    }

    private static Response unreadable(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        String message = "has the wrong type or format";
        return respond(new Problem("about:blank", "Bad Request", 400, "The body cannot be read",
                null, List.of(new Problem.Violation(field.isEmpty() ? "body" : field, message))));
    }

    /** "put.request.capacity" → "capacity"; a method parameter → its name; a null body → "body". */
    private static String field(ConstraintViolation<?> v) {
        String last = null;
        ElementKind kind = null;
        for (Path.Node node : v.getPropertyPath()) {
            last = node.getName();
            kind = node.getKind();
        }
        if (kind == ElementKind.PARAMETER && "request".equals(last)) {
            return "body";
        }
        return last == null ? "body" : last;
    }

    private static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
