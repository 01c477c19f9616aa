# The payment provider's sandbox (payment-sandbox/), for staging and load tests only (values.yaml sandbox.enabled).
# A plain JDK HTTP server: its classes and runtime jars, no framework. Build from the repository root:
#   ./mvnw -B -pl payment-sandbox package dependency:copy-dependencies -DincludeScope=runtime -DskipTests
#   docker build -f k8s/images/payment-sandbox.Dockerfile -t <registry>/ticketing/payment-sandbox:<appVersion> .
FROM docker.io/library/eclipse-temurin:17-jre-alpine
COPY payment-sandbox/target/classes /app/classes
COPY payment-sandbox/target/dependency /app/lib
USER 185
ENTRYPOINT ["java", "-cp", "/app/classes:/app/lib/*", "dev.ticketing.sandbox.PaymentSandbox"]
