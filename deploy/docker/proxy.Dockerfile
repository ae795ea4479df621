# syntax=docker/dockerfile:1
# The proxy: nginx in front of the Rasa replicas, serving the web widget and its demo page.
# Build from the repository's root:
#   docker build -f deploy/docker/proxy.Dockerfile -t lbdoctor-proxy .

# The widget's script, built as `make setup` builds it: npm packages from the lock, then esbuild.
FROM node:20.18.1-slim AS widget
WORKDIR /widget
COPY widget/package.json widget/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY widget/build.mjs ./
COPY widget/src ./src
RUN npm run --silent build

# 1.27.3 or newer: `resolve` on upstream servers follows `docker compose up --scale rasa=N`.
FROM nginx:1.28.0-alpine
COPY deploy/nginx/nginx.conf /etc/nginx/nginx.conf
COPY widget/demo/index.html /usr/share/lbdoctor/index.html
COPY --from=widget /widget/dist/ /usr/share/lbdoctor/
# nginx's own unprivileged user: nginx.conf keeps its pid file and temporary files in /tmp.
USER nginx
EXPOSE 8080
