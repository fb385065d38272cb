# The cxone-flow Action image: a static binary on scratch with CA certificates, nothing else.

# Build: on Alpine the host target is musl, so the release binary is static.
FROM rust:1.95-alpine3.22 AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin cxone-flow \
    && cp target/release/cxone-flow /cxone-flow

# Run: the workspace is mounted for root and the runner sets the working directory, so no USER or
# WORKDIR here; the binary reads INPUT_* and GITHUB_* and needs nothing from the image but itself.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /cxone-flow /cxone-flow
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
ENTRYPOINT ["/cxone-flow"]
