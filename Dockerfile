# syntax=docker/dockerfile:1
# Stage 1: the dashboard.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# Stage 2: the binary, with the dashboard embedded.
FROM golang:1.26-bookworm AS server
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=frontend /src/frontend/dist ./frontend/dist
# H3 (hotspots) is C code: build with cgo, linked statically for distroless/static.
RUN CGO_ENABLED=1 go build -trimpath -tags netgo,osusergo,sqlite_omit_load_extension \
      -ldflags '-s -w -linkmode external -extldflags "-static"' \
      -o /out/routerisk ./cmd/routerisk && mkdir -p /out/data

# Stage 3: a small image that runs as an unprivileged user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=server /out/routerisk /usr/local/bin/routerisk
# The data folder belongs to the runtime user, so a fresh named volume is writable.
COPY --from=server --chown=65532:65532 /out/data /data
VOLUME ["/data"]
ENV ROUTERISK_ADDR=0.0.0.0:8080 \
    ROUTERISK_DATA_DIR=/data \
    ROUTERISK_LOG_FORMAT=json
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/usr/local/bin/routerisk"]
CMD ["serve"]
