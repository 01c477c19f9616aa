# The fan UI image: web/ (static HTML/CSS/JS, no build step) served by nginx-unprivileged on 8080 as a non-root user.
# Build from the repository root:
#   docker build -f k8s/images/web.Dockerfile -t <registry>/ticketing/web:<appVersion> .
FROM docker.io/nginxinc/nginx-unprivileged:1.29-alpine
COPY k8s/images/web/default.conf /etc/nginx/conf.d/default.conf
COPY web/ /usr/share/nginx/html/
